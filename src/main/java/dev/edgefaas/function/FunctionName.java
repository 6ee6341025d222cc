package dev.edgefaas.function;

import java.util.regex.Pattern;

/**
 * A function's name: a DNS label, short enough that instance ids derived from it
 * ({@code name-xxxxxxxx}) still fit the host's naming limits (cgroups, state files).
 */
public record FunctionName(String value) {
    public static final int MAX_LENGTH = 40;
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?");

    public FunctionName {
        String problem = problemWith(value);
        if (problem != null) {
            throw new ManifestException("name", problem);
        }
    }

    /** Returns why {@code candidate} is not a valid function name, or null if it is. */
    public static String problemWith(String candidate) {
        if (candidate == null || candidate.isEmpty()) {
            return "a function needs a name: lowercase letters, digits and '-', e.g. hello-go";
        }
        if (candidate.length() > MAX_LENGTH) {
            return "'" + candidate + "' is " + candidate.length() + " characters long; use at most " + MAX_LENGTH;
        }
        if (!DNS_LABEL.matcher(candidate).matches()) {
            return "'" + candidate + "' is not a DNS label: use lowercase letters, digits and '-',"
                    + " starting and ending with a letter or digit, e.g. hello-go";
        }
        return null;
    }

    @Override
    public String toString() {
        return value;
    }
}
