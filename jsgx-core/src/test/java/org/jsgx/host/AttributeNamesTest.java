package org.jsgx.host;

import static org.assertj.core.api.Assertions.assertThat;

import org.jsgx.cpu.Attributes;
import org.junit.jupiter.api.Test;

class AttributeNamesTest {
    @Test
    void namesEverySdmFlag() {
        long all = Attributes.INIT | Attributes.DEBUG | Attributes.MODE64BIT | Attributes.PROVISIONKEY
                | Attributes.EINITTOKENKEY | Attributes.CET | Attributes.KSS | Attributes.AEXNOTIFY;
        assertThat(AttributeNames.flagNames(all)).containsExactly("INIT", "DEBUG", "MODE64BIT", "PROVISIONKEY",
                "EINITTOKENKEY", "CET", "KSS", "AEXNOTIFY");
        assertThat(AttributeNames.flagNames(0)).isEmpty();
    }

    @Test
    void reservedBitsAreSummedUpLast() {
        assertThat(AttributeNames.flagNames(~Attributes.DEBUG)).containsExactly("INIT", "MODE64BIT",
                "PROVISIONKEY", "EINITTOKENKEY", "CET", "KSS", "AEXNOTIFY", "reserved=0xfffffffffffffb08");
        assertThat(AttributeNames.flagNames(1L << 3 | Attributes.MODE64BIT))
                .containsExactly("MODE64BIT", "reserved=0x8");
    }
}
