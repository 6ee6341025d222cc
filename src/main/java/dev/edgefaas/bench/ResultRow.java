package dev.edgefaas.bench;

/**
 * One tidy measurement: every experiment writes these and plots read only them.
 *
 * @param parameter  the experiment's varied quantity, e.g. {@code clients=64}; empty if none
 * @param repetition 1-based repetition, 0 for a summary over repetitions
 */
public record ResultRow(String experiment, String sandbox, String language, String parameter, int repetition,
                        String metric, double value, String unit) {

    public static final String CSV_HEADER = "experiment,sandbox,language,parameter,repetition,metric,value,unit";

    /** The row as one CSV line without a line break, quoted where a field needs it. */
    public String csv() {
        return Csv.line(experiment, sandbox, language, parameter, Integer.toString(repetition), metric,
                Double.toString(value), unit);
    }
}
