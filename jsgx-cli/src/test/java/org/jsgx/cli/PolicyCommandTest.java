package org.jsgx.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PolicyCommandTest {
    @Test
    void jsonAndMarkdownCarryEveryScenarioAndPolicy() {
        CliRun j = CliRun.of("policy", "--json");
        assertThat(j.code()).isZero();
        assertThat(j.out()).startsWith("{\"scenarios\":[").contains("\"edmm-policy\":{\"allowed\":")
                .contains("\"scenario\":\"noexec\"").contains("avc: denied { write }");
        CliRun m = CliRun.of("policy", "--markdown");
        assertThat(m.out()).contains("| scenario | upstream | selinux |").contains("denied:");
        assertThat(m.out().lines().count()).isEqualTo(2 + 7);
    }
}
