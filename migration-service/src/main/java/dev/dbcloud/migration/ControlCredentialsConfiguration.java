package dev.dbcloud.migration;

import dev.dbcloud.common.secrets.ControlPasswordCipher;
import java.nio.file.Path;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The AEAD keyset that protects each instance's control password, read from {@code dbcloud.keyset-file}: the
 * same keyset the provisioner encrypts with. This service only decrypts, for the one run that needs the password.
 */
@Configuration(proxyBeanMethods = false)
class ControlCredentialsConfiguration {

    @Bean
    ControlPasswordCipher controlPasswordCipher(@Value("${dbcloud.keyset-file}") Path keysetFile) {
        return ControlPasswordCipher.fromKeysetFile(keysetFile);
    }
}
