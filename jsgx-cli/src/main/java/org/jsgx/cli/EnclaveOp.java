package org.jsgx.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * One `--call` of `jsgx run`: an op of the kernel selftest ABI (defines.h) as words. Addresses
 * are absolute, {@code +OFF} (enclave base + OFF) or {@code dyn+OFF} (start of the dynamic
 * area + OFF).
 */
record EnclaveOp(String text, String name, long[] words) {
    static final String SYNTAX = "put:VALUE, get, put-addr:ADDR:VALUE, get-addr:ADDR, nop, eaccept:ADDR:FLAGS,"
            + " emodpe:ADDR:FLAGS, op:TYPE[:WORD...]";

    static EnclaveOp parse(String text, long base, long dyn) {
        String[] p = text.split(":");
        try {
            long[] w = switch (p[0]) {
                case "put" -> {
                    need(p, 2, text);
                    yield new long[] {0, num(p[1])};
                }
                case "get" -> {
                    need(p, 1, text);
                    yield new long[] {1, 0};
                }
                case "put-addr" -> {
                    need(p, 3, text);
                    yield new long[] {2, num(p[2]), addr(p[1], base, dyn)};
                }
                case "get-addr" -> {
                    need(p, 2, text);
                    yield new long[] {3, 0, addr(p[1], base, dyn)};
                }
                case "nop" -> {
                    need(p, 1, text);
                    yield new long[] {4};
                }
                case "eaccept" -> {
                    need(p, 3, text);
                    yield new long[] {5, addr(p[1], base, dyn), num(p[2]), 0};
                }
                case "emodpe" -> {
                    need(p, 3, text);
                    yield new long[] {6, addr(p[1], base, dyn), num(p[2])};
                }
                case "op" -> {
                    if (p.length < 2) {
                        throw new IllegalArgumentException("op needs a type");
                    }
                    List<Long> l = new ArrayList<>();
                    for (int i = 1; i < p.length; i++) {
                        l.add(i == 1 ? num(p[i]) : addrOrNum(p[i], base, dyn));
                    }
                    while (l.size() < 6) {
                        l.add(0L); // room for results the op writes back
                    }
                    yield l.stream().mapToLong(Long::longValue).toArray();
                }
                default -> throw new IllegalArgumentException("unknown op '" + p[0] + "'");
            };
            return new EnclaveOp(text, p[0], w);
        } catch (IllegalArgumentException e) {
            throw CliException.badInput("--call " + text + ": " + e.getMessage() + " (ops: " + SYNTAX + ")");
        }
    }

    private static void need(String[] p, int n, String text) {
        if (p.length != n) {
            throw new IllegalArgumentException("expected " + (n - 1) + " argument(s)");
        }
    }

    static long num(String s) {
        s = s.replace("_", "");
        return s.startsWith("0x") || s.startsWith("0X") ? Long.parseUnsignedLong(s.substring(2), 16)
                : Long.parseLong(s);
    }

    private static long addr(String s, long base, long dyn) {
        if (s.startsWith("+")) {
            return base + num(s.substring(1));
        }
        if (s.startsWith("dyn+")) {
            return dyn + num(s.substring(4));
        }
        if (s.equals("dyn")) {
            return dyn;
        }
        return num(s);
    }

    private static long addrOrNum(String s, long base, long dyn) {
        return s.startsWith("+") || s.startsWith("dyn") ? addr(s, base, dyn) : num(s);
    }
}
