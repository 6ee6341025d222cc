package dev.edgefaas.admin;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The query of a {@code GET /api/functions/NAME/logs} for {@link FuzzedAdminRequest}: {@code tail},
 * {@code follow} and {@code instance}, each left out, valid or not, repeated now and then (the
 * first counts), and unknown parameters, which are ignored.
 *
 * @param query   encoded, with its '?'; may be empty
 * @param faults  the parameter the error must name: the first wrong one in the order the endpoint reads them
 * @param follows whether it follows the log, valid otherwise: the answer then stays open
 */
record FuzzedLogsQuery(String query, List<String> faults, boolean follows) {
    /** {@code %2B5} is "+5", which a number may start with; a bare '+' is a space in a query. */
    private static final List<String> GOOD_TAILS = List.of("0", "5", "100", "10000", "%2B5");
    private static final List<String> BAD_TAILS = List.of("-1", "abc", "10001", "99999999999", "", "1e3", "%205", "+5",
            "0x10", "5%00", "%zz");
    private static final List<String> GOOD_FOLLOWS = List.of("false", "false", "false", "true");
    private static final List<String> BAD_FOLLOWS = List.of("maybe", "TRUE", "", "1", "yes");

    /** @param instance the id of an instance that might have been, to filter by */
    static FuzzedLogsQuery generate(RandomGenerator random, String instance) {
        List<String> parameters = new ArrayList<>();
        List<String> faults = new ArrayList<>();
        if (random.nextInt(2) == 0) {
            boolean bad = random.nextInt(2) == 0;
            parameters.add("tail=" + pick(random, bad ? BAD_TAILS : GOOD_TAILS));
            if (bad) {
                faults.add("tail");
            }
        }
        boolean follows = false;
        if (random.nextInt(3) == 0) {
            boolean bad = random.nextInt(2) == 0;
            String follow = pick(random, bad ? BAD_FOLLOWS : GOOD_FOLLOWS);
            parameters.add("follow=" + follow);
            follows = follow.equals("true");
            if (bad && faults.isEmpty()) {
                faults.add("follow");
            }
        }
        if (random.nextInt(3) == 0) {
            parameters.add("instance=" + pick(random, List.of("../x", "", instance, "%2e%2e%2fx", "x".repeat(500), "%00",
                    "..%2F..%2Fetc%2Fpasswd")));
        }
        if (random.nextInt(8) == 0 && !parameters.isEmpty()) {
            parameters.add(pick(random, parameters).replaceFirst("=.*", "=again"));
        }
        if (random.nextInt(8) == 0) {
            parameters.add(random.nextInt(2) == 0 ? "unknown=1" : "verbose");
        }
        return new FuzzedLogsQuery(parameters.isEmpty() ? "" : "?" + String.join("&", parameters), List.copyOf(faults),
                follows && faults.isEmpty());
    }

    private static <T> T pick(RandomGenerator random, List<T> values) {
        return values.get(random.nextInt(values.size()));
    }
}
