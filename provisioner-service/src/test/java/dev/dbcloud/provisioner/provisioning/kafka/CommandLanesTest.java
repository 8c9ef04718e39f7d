package dev.dbcloud.provisioner.provisioning.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CommandLanesTest {

    @Test
    void eachInstanceGetsALaneOfItsCommandsInTheOrderOfThePoll() {
        assertThat(CommandLanes.lanes(List.of(List.of("t/a"), List.of("t/b"), List.of("t/a"), List.of("t/c"),
                List.of("t/b"), List.of("t/a"))))
                .containsExactly(List.of(0, 2, 5), List.of(1, 4), List.of(3));
    }

    @Test
    void commandsActingOnACommonInstanceShareALane() {
        // A restore into t/c from t/a, then one into t/d from t/b, then a command on t/c, then one on t/e.
        assertThat(CommandLanes.lanes(List.of(List.of("t/a"), List.of("t/b"), List.of("t/c", "t/a"),
                List.of("t/d", "t/b"), List.of("t/c"), List.of("t/e"))))
                .containsExactlyInAnyOrder(List.of(0, 2, 4), List.of(1, 3), List.of(5));
    }

    @Test
    void aCommandJoiningTwoLanesMergesThemInOrder() {
        assertThat(CommandLanes.lanes(List.of(List.of("t/a"), List.of("t/b"), List.of("t/a"), List.of("t/c", "t/b"),
                List.of("t/c", "t/a"), List.of("t/d"))))
                .containsExactlyInAnyOrder(List.of(0, 1, 2, 3, 4), List.of(5));
    }
}
