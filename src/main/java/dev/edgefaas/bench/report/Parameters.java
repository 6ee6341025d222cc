package dev.edgefaas.bench.report;

import java.math.BigInteger;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads the {@code parameter} column of a result row: {@code ;}-separated items, each
 * {@code name=value} or a bare flag such as {@code static}. {@code "static;clients=4"} has the
 * flag {@code static} and {@code clients} = {@code 4}; the empty string has no items.
 */
final class Parameters {
    private static final Pattern CHUNK = Pattern.compile("\\d+|\\D+");

    private Parameters() {
    }

    /** Items in order of appearance; a flag maps to the empty string. */
    static Map<String, String> parse(String parameter) {
        Map<String, String> items = new LinkedHashMap<>();
        for (String item : parameter.split(";")) {
            String trimmed = item.strip();
            if (trimmed.isEmpty()) {
                continue;
            }
            int equals = trimmed.indexOf('=');
            if (equals < 0) {
                items.put(trimmed, "");
            } else {
                items.put(trimmed.substring(0, equals).strip(), trimmed.substring(equals + 1).strip());
            }
        }
        return items;
    }

    /** The items as written, {@code name=value} or a flag, without order. */
    static Set<String> items(String parameter) {
        return parse(parameter).entrySet().stream()
                .map(e -> e.getValue().isEmpty() ? e.getKey() : e.getKey() + "=" + e.getValue())
                .collect(Collectors.toSet());
    }

    /** The value of {@code name}, empty if the item is absent or a bare flag. */
    static Optional<String> value(String parameter, String name) {
        return Optional.ofNullable(parse(parameter).get(name)).filter(v -> !v.isEmpty());
    }

    /** True if {@code name} occurs, as a flag or with a value. */
    static boolean has(String parameter, String name) {
        return parse(parameter).containsKey(name);
    }

    /** The parameter without the item {@code name}, in the column's own syntax. */
    static String without(String parameter, String name) {
        return parse(parameter).entrySet().stream()
                .filter(e -> !e.getKey().equals(name))
                .map(e -> e.getValue().isEmpty() ? e.getKey() : e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(";"));
    }

    /**
     * Orders parameters as people read them: digit runs by their number, so {@code n=20} comes
     * before {@code n=100}; the rest by character.
     */
    static final Comparator<String> NATURAL_ORDER = (a, b) -> {
        Matcher left = CHUNK.matcher(a);
        Matcher right = CHUNK.matcher(b);
        while (left.find() && right.find()) {
            String x = left.group();
            String y = right.group();
            boolean numbers = Character.isDigit(x.charAt(0)) && Character.isDigit(y.charAt(0));
            int order = numbers ? new BigInteger(x).compareTo(new BigInteger(y)) : x.compareTo(y);
            if (order != 0) {
                return order;
            }
        }
        return a.compareTo(b);
    };

    /** The numeric value of {@code name}, e.g. {@code n=10} gives 10; empty if absent or not a number. */
    static Optional<Double> number(String parameter, String name) {
        return value(parameter, name).flatMap(v -> {
            try {
                return Optional.of(Double.parseDouble(v));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        });
    }
}
