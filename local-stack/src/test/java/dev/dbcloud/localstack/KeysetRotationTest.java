package dev.dbcloud.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbcloud.common.InstanceRef;
import dev.dbcloud.common.secrets.ControlPasswordCipher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --rotate-keyset}: a new primary key in the home's keyset, the old ones kept, the file owner-only. */
class KeysetRotationTest {

    @Test
    void rotatingKeepsWhatTheOldKeyEncryptedReadable(@TempDir Path home) throws Exception {
        Path keyset = home.resolve("keyset.json");
        Files.createFile(keyset, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(keyset, ControlPasswordCipher.generateKeyset());
        InstanceRef instance = new InstanceRef("default", "orders");
        byte[] before = ControlPasswordCipher.fromKeysetFile(keyset).encrypt(instance, "control-secret");
        String original = Files.readString(keyset);

        LocalStack.rotateKeyset(home);

        assertThat(Files.getPosixFilePermissions(keyset)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        ControlPasswordCipher rotated = ControlPasswordCipher.fromKeysetFile(keyset);
        assertThat(rotated.decrypt(instance, before)).isEqualTo("control-secret");
        byte[] after = rotated.encrypt(instance, "control-secret");
        assertThatThrownBy(() -> ControlPasswordCipher.fromJsonKeyset(original).decrypt(instance, after))
                .as("the new primary key encrypts").isInstanceOf(IllegalStateException.class);
        try (var files = Files.list(home)) {
            assertThat(files).as("no temporary file left behind").containsExactly(keyset);
        }
    }

    @Test
    void refusesAHomeWithoutAKeyset(@TempDir Path home) {
        assertThatThrownBy(() -> LocalStack.rotateKeyset(home)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("start the stack once");
    }
}
