package dev.dbcloud.provisioner.provisioning;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The reason an UNAVAILABLE instance shows, from how its health check's login failed. */
class HealthReasonsTest {

    @Test
    void sayWhatTheUserCanActOn() {
        assertThat(HealthWatch.why(15432, "08001"))
                .isEqualTo("nothing accepts connections on port 15432; its server is not running");
        assertThat(HealthWatch.why(15432, "28P01")).isEqualTo("the program on port 15432 refuses dbcloud's control "
                + "login (SQLSTATE 28P01): another program may hold the instance's port; starting the instance "
                + "(dbcloud db start) moves it to a free port");
        assertThat(HealthWatch.why(15432, "57P03")).isEqualTo("the server on port 15432 is starting or shutting down");
        assertThat(HealthWatch.why(15432, "53300"))
                .isEqualTo("the server on port 15432 does not accept connections (SQLSTATE 53300)");
        assertThat(HealthWatch.why(15432, null))
                .isEqualTo("the server on port 15432 does not accept connections (SQLSTATE none)");
    }
}
