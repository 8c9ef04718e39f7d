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
    void generatesDistinctUrlSafePasswords() {
        String a = ControlPasswordCipher.randomPassword();
        assertThat(a).hasSize(43).matches("[A-Za-z0-9_-]+").isNotEqualTo(ControlPasswordCipher.randomPassword());
    }
}
