package dev.edgefaas.bench.report;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Reads the {@code parameter} column of a result row: {@code ;}-separated items, each
 * {@code name=value} or a bare flag such as {@code static}. {@code "static;clients=4"} has the
 * flag {@code static} and {@code clients} = {@code 4}; the empty string has no items.
 */
final class Parameters {

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
