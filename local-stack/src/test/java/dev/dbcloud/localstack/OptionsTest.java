package dev.dbcloud.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The command line of {@code dbcloud-local.jar}: loopback unless {@code --bind} says otherwise. */
class OptionsTest {

    @Test
    void everythingListensOnLoopbackByDefault() {
        LocalStack.Options options = LocalStack.Options.parse(new String[0]);
        assertThat(options.bind()).isEqualTo("127.0.0.1");
        assertThat(options.port()).isEqualTo(8080);
        assertThat(options.kafkaPort()).isEqualTo(9092);
    }

    @Test
    void bindTakesAnIpAddressAndNothingThatNeedsResolving() {
        assertThat(LocalStack.Options.parse(new String[] {"--bind", "0.0.0.0"}).bind()).isEqualTo("0.0.0.0");
        assertThat(LocalStack.Options.parse(new String[] {"--bind", "::"}).bind()).isEqualTo("0:0:0:0:0:0:0:0");
        for (String bad : new String[] {"localhost", "example.com", "1.2.3", "", "0.0.0.0; rm"}) {
            assertThatThrownBy(() -> LocalStack.Options.parse(new String[] {"--bind", bad})).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--bind");
        }
        assertThatThrownBy(() -> LocalStack.Options.parse(new String[] {"--kafka-port", "70000"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--kafka-port");
    }

    @Test
    void theCredentialsUrlReachesTheGatewayFromThisMachine() {
        assertThat(LocalStack.urlHost("127.0.0.1")).isEqualTo("localhost");
        assertThat(LocalStack.urlHost("0.0.0.0")).isEqualTo("localhost");
        assertThat(LocalStack.urlHost("0:0:0:0:0:0:0:0")).isEqualTo("localhost");
        assertThat(LocalStack.urlHost("192.0.2.10")).isEqualTo("192.0.2.10");
        assertThat(LocalStack.urlHost("2001:db8:0:0:0:0:0:1")).isEqualTo("[2001:db8:0:0:0:0:0:1]");
    }
}
