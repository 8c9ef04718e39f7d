package dev.dbcloud.cli;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Connection URLs with the password in them, for {@code dbcloud db url -S}. */
final class ConnectionUrls {

    /**
     * {@code postgresql://user@host:port/db} with {@code password} after the user, percent-encoded so that any
     * character stays part of it (RFC 3986 userinfo; {@code +} and space included).
     */
    static String withPassword(String url, String password) {
        URI uri = URI.create(url);
        String userInfo = uri.getRawUserInfo();
        if (userInfo == null) {
            throw new IllegalArgumentException("the URL names no user");
        }
        String encoded = URLEncoder.encode(password, StandardCharsets.UTF_8).replace("+", "%20");
        String prefix = uri.getScheme() + "://" + userInfo;
        return prefix + ":" + encoded + url.substring(prefix.length());
    }

    private ConnectionUrls() {
    }
}
