package dev.dbcloud.provisioner;

import dev.dbcloud.common.secrets.ControlPasswordCipher;
import java.nio.file.Path;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The AEAD keyset that protects each instance's control password, read from {@code dbcloud.keyset-file}. */
@Configuration(proxyBeanMethods = false)
class ControlCredentialsConfiguration {

    @Bean
    ControlPasswordCipher controlPasswordCipher(@Value("${dbcloud.keyset-file}") Path keysetFile) {
        return ControlPasswordCipher.fromKeysetFile(keysetFile);
    }
}
