package dev.dbcloud.security;

import dev.dbcloud.common.secrets.ControlPasswordCipher;
import java.nio.file.Path;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * The AEAD keyset that protects each instance's control password, read from {@code dbcloud.keyset-file}, for the
 * services that hold one: the gateway encrypts a linked server's password with it, the provisioner encrypts and
 * decrypts, migration-service decrypts for the one run that needs it.
 */
@AutoConfiguration
@ConditionalOnProperty("dbcloud.keyset-file")
public class ControlPasswordCipherAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    ControlPasswordCipher controlPasswordCipher(@Value("${dbcloud.keyset-file}") Path keysetFile) {
        return ControlPasswordCipher.fromKeysetFile(keysetFile);
    }
}
