package org.jsgx.host.layout;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict JSON (RFC 8259) parser for layout files, small enough to audit: objects become
 * insertion-ordered Maps (duplicate keys rejected), arrays Lists, strings Strings, integers
 * BigIntegers, {@code true/false} Booleans and {@code null} null. Numbers with a fraction or
 * an exponent are rejected, as a layout holds only integers. Nesting is limited so hostile
 * input cannot exhaust the stack.
 */
final class JsonText {
    private static final int MAX_DEPTH = 64;
    private final String s;
    private int i;

    private JsonText(String s) {
        this.s = s;
    }

    static Object parse(String text) throws LayoutException {
        JsonText p = new JsonText(text);
        p.ws();
        Object v = p.value(0);
        p.ws();
        if (p.i != text.length()) {
            throw p.error("unexpected " + p.describe() + " after the top-level value");
        }
        return v;
    }

    private Object value(int depth) throws LayoutException {
        if (depth > MAX_DEPTH) {
            throw error("nesting deeper than " + MAX_DEPTH + " levels");
        }
        if (i >= s.length()) {
            throw error("unexpected end of input, expected a value");
        }
        char c = s.charAt(i);
        return switch (c) {
            case '{' -> object(depth);
            case '[' -> array(depth);
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    yield number();
                }
                throw error("unexpected " + describe() + ", expected a value");
            }
        };
    }

    private Map<String, Object> object(int depth) throws LayoutException {
        Map<String, Object> m = new LinkedHashMap<>();
        i++;
        ws();
        if (peek() == '}') {
            i++;
            return m;
        }
        while (true) {
            ws();
            if (peek() != '"') {
                throw error("unexpected " + describe() + ", expected a \"key\"");
            }
            int at = i;
            String k = string();
            ws();
            expect(':');
            ws();
            Object v = value(depth + 1);
            if (m.containsKey(k)) {
                throw new LayoutException("offset " + at, "duplicate key \"" + k + "\"");
            }
            m.put(k, v);
            ws();
            if (peek() == ',') {
                i++;
            } else if (peek() == '}') {
                i++;
                return m;
            } else {
                throw error("unexpected " + describe() + ", expected ',' or '}'");
            }
        }
    }

    private List<Object> array(int depth) throws LayoutException {
        List<Object> l = new ArrayList<>();
        i++;
        ws();
        if (peek() == ']') {
            i++;
            return l;
        }
        while (true) {
            ws();
            l.add(value(depth + 1));
            ws();
            if (peek() == ',') {
                i++;
            } else if (peek() == ']') {
                i++;
                return l;
            } else {
                throw error("unexpected " + describe() + ", expected ',' or ']'");
            }
        }
    }

    private String string() throws LayoutException {
        i++;
        StringBuilder b = new StringBuilder();
        while (true) {
            if (i >= s.length()) {
                throw error("unterminated string");
            }
            char c = s.charAt(i++);
            if (c == '"') {
                return b.toString();
            }
            if (c < 0x20) {
                i--;
                throw error("control character in a string");
            }
            if (c != '\\') {
                b.append(c);
                continue;
            }
            if (i >= s.length()) {
                throw error("unterminated escape");
            }
            char e = s.charAt(i++);
            switch (e) {
                case '"', '\\', '/' -> b.append(e);
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case 't' -> b.append('\t');
                case 'u' -> {
                    if (i + 4 > s.length()) {
                        throw error("truncated \\u escape");
                    }
                    int v = 0;
                    for (int k = 0; k < 4; k++) {
                        int d = Character.digit(s.charAt(i + k), 16);
                        if (d < 0) {
                            throw error("bad hex digit in \\u escape");
                        }
                        v = v * 16 + d;
                    }
                    i += 4;
                    b.append((char) v);
                }
                default -> {
                    i--;
                    throw error("unknown escape \\" + e);
                }
            }
        }
    }

    private BigInteger number() throws LayoutException {
        int start = i;
        if (peek() == '-') {
            i++;
        }
        if (peek() == '0') {
            i++;
        } else if (peek() >= '1' && peek() <= '9') {
            while (peek() >= '0' && peek() <= '9') {
                i++;
            }
        } else {
            throw error("bad number");
        }
        if (peek() == '.' || peek() == 'e' || peek() == 'E') {
            throw error("only integers are allowed in a layout");
        }
        if (i - start > 40) {
            throw new LayoutException("offset " + start, "number has more than 40 digits");
        }
        return new BigInteger(s.substring(start, i));
    }

    private Object literal(String word, Object v) throws LayoutException {
        if (!s.startsWith(word, i)) {
            throw error("unexpected " + describe() + ", expected a value");
        }
        i += word.length();
        return v;
    }

    private void expect(char c) throws LayoutException {
        if (peek() != c) {
            throw error("unexpected " + describe() + ", expected '" + c + "'");
        }
        i++;
    }

    private char peek() {
        return i < s.length() ? s.charAt(i) : '\0';
    }

    private void ws() {
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            i++;
        }
    }

    private String describe() {
        if (i >= s.length()) {
            return "end of input";
        }
        char c = s.charAt(i);
        return c >= 0x20 && c < 0x7f ? "'" + c + "'" : String.format("character U+%04X", (int) c);
    }

    private LayoutException error(String problem) {
        return new LayoutException("offset " + i, problem);
    }
}
