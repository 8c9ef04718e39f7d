package dev.dbcloud.common.secrets;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import dev.dbcloud.common.InstanceRef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Encrypts each instance's control-role password with a Tink AEAD keyset, binding the ciphertext to the
 * instance (the instance key is the associated data), so the password is stored and sent only as ciphertext.
 * The primary key of the keyset encrypts; every key in it decrypts, which is how keys rotate.
 */
public final class ControlPasswordCipher {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Aead aead;

    private ControlPasswordCipher(Aead aead) {
        this.aead = aead;
    }

    /** Reads a cleartext JSON keyset, as written by {@link #generateKeyset()}. */
    public static ControlPasswordCipher fromJsonKeyset(String json) {
        try {
            AeadConfig.register();
            KeysetHandle keyset = TinkJsonProtoKeysetFormat.parseKeyset(json, InsecureSecretKeyAccess.get());
            return new ControlPasswordCipher(keyset.getPrimitive(RegistryConfiguration.get(), Aead.class));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not a usable AEAD keyset: " + e.getMessage(), e);
        }
    }

    /** Reads a cleartext JSON keyset file, such as the one the local stack keeps under its home. */
    public static ControlPasswordCipher fromKeysetFile(Path file) {
        try {
            return fromJsonKeyset(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the keyset file " + file, e);
        }
    }

    /** A new keyset with one AES-256-GCM key, as cleartext JSON; store it where only the services can read it. */
    public static String generateKeyset() {
        try {
            AeadConfig.register();
            KeysetHandle keyset = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
            return TinkJsonProtoKeysetFormat.serializeKeyset(keyset, InsecureSecretKeyAccess.get());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate a keyset", e);
        }
    }

    /**
     * The keyset with a new AES-256-GCM key as its primary: from then on it encrypts, while the older keys still
     * decrypt what they encrypted. Cleartext JSON in, cleartext JSON out.
     */
    public static String rotateKeyset(String json) {
        try {
            AeadConfig.register();
            KeysetHandle keyset = TinkJsonProtoKeysetFormat.parseKeyset(json, InsecureSecretKeyAccess.get());
            KeysetHandle rotated = KeysetHandle.newBuilder(keyset)
                    .addEntry(KeysetHandle.generateEntryFromParameters(PredefinedAeadParameters.AES256_GCM)
                            .withRandomId().makePrimary())
                    .build();
            return TinkJsonProtoKeysetFormat.serializeKeyset(rotated, InsecureSecretKeyAccess.get());
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not a usable AEAD keyset: " + e.getMessage(), e);
        }
    }

    /** A random password for a control role: 32 random bytes, URL-safe Base64. */
    public static String randomPassword() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public byte[] encrypt(InstanceRef instance, String password) {
        try {
            return aead.encrypt(password.getBytes(StandardCharsets.UTF_8), associatedData(instance));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encrypt the control password of " + instance, e);
        }
    }

    public String decrypt(InstanceRef instance, byte[] ciphertext) {
        try {
            return new String(aead.decrypt(ciphertext, associatedData(instance)), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot decrypt the control password of " + instance, e);
        }
    }

    private static byte[] associatedData(InstanceRef instance) {
        return instance.key().getBytes(StandardCharsets.UTF_8);
    }
}
