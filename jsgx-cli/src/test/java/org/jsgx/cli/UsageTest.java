package org.jsgx.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Usage errors: exit 2, a one-line reason first, the help pointer naming the right command. */
class UsageTest {
    @Test
    void noCommandIsAUsageError() {
        CliRun r = CliRun.of();
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).startsWith("jsgx: no command given").contains("Usage: jsgx");
    }

    @Test
    void unknownOptionsPointAtTheCommandsHelp() {
        CliRun top = CliRun.of("nosuch");
        assertThat(top.code()).isEqualTo(2);
        assertThat(top.err()).contains("Try 'jsgx --help'.");
        CliRun sub = CliRun.of("sign", "--bogus");
        assertThat(sub.code()).isEqualTo(2);
        assertThat(sub.err()).contains("Try 'jsgx sign --help'.");
    }

    @Test
    void everyCommandHasAOneLineSummary() {
        CliRun r = CliRun.of("--help");
        assertThat(r.code()).isZero();
        for (String cmd : new String[] {"measure", "info", "sign", "convert", "keygen", "selftest", "run", "demo",
            "soak", "bench", "policy", "reclaim-lab"}) {
            assertThat(r.out()).as(cmd).containsPattern("(?m)^  " + java.util.regex.Pattern.quote(cmd) + " ");
        }
    }
}
