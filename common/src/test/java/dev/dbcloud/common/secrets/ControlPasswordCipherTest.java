package dev.dbcloud.common.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbcloud.common.InstanceRef;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ControlPasswordCipherTest {

    private final ControlPasswordCipher cipher = ControlPasswordCipher.fromJsonKeyset(ControlPasswordCipher.generateKeyset());
    private final InstanceRef orders = new InstanceRef("acme", "orders");

    @Test
    void decryptsWhatItEncryptedAndNeverStoresThePlaintext() {
        String password = ControlPasswordCipher.randomPassword();
        byte[] ciphertext = cipher.encrypt(orders, password);

        assertThat(new String(ciphertext, StandardCharsets.ISO_8859_1)).doesNotContain(password);
        assertThat(cipher.decrypt(orders, ciphertext)).isEqualTo(password);
    }

    @Test
    void bindsTheCiphertextToItsInstance() {
        byte[] ciphertext = cipher.encrypt(orders, "secret-password");

        assertThatThrownBy(() -> cipher.decrypt(new InstanceRef("acme", "billing"), ciphertext))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageNotContaining("secret-password");
    }

    @Test
    void anotherKeysetCannotDecrypt() {
        byte[] ciphertext = cipher.encrypt(orders, "secret-password");
        ControlPasswordCipher other = ControlPasswordCipher.fromJsonKeyset(ControlPasswordCipher.generateKeyset());

        assertThatThrownBy(() -> other.decrypt(orders, ciphertext)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aRotatedKeysetEncryptsWithItsNewKeyAndStillDecryptsWhatTheOldOneEncrypted() {
        InstanceRef instance = new InstanceRef("acme", "orders");
        String original = ControlPasswordCipher.generateKeyset();
        byte[] before = ControlPasswordCipher.fromJsonKeyset(original).encrypt(instance, "control-secret");

        String rotated = ControlPasswordCipher.rotateKeyset(original);
        ControlPasswordCipher cipher = ControlPasswordCipher.fromJsonKeyset(rotated);
        byte[] after = cipher.encrypt(instance, "control-secret");

        assertThat(cipher.decrypt(instance, before)).as("old ciphertext").isEqualTo("control-secret");
        assertThat(cipher.decrypt(instance, after)).isEqualTo("control-secret");
        // Tink prefixes each ciphertext with its key's id: the new one is another key's.
        assertThat(java.util.Arrays.copyOf(after, 5)).isNotEqualTo(java.util.Arrays.copyOf(before, 5));
        assertThatThrownBy(() -> ControlPasswordCipher.fromJsonKeyset(original).decrypt(instance, after))
                .as("the old keyset alone cannot read what the new key encrypted")
                .isInstanceOf(IllegalStateException.class);
        assertThat(ControlPasswordCipher.rotateKeyset(rotated)).as("rotating again keeps every key")
                .satisfies(twice -> assertThat(ControlPasswordCipher.fromJsonKeyset(twice).decrypt(instance, before))
                        .isEqualTo("control-secret"));
    }

    @Test
    void generatesDistinctUrlSafePasswords() {
        String a = ControlPasswordCipher.randomPassword();
        assertThat(a).hasSize(43).matches("[A-Za-z0-9_-]+").isNotEqualTo(ControlPasswordCipher.randomPassword());
    }
}
