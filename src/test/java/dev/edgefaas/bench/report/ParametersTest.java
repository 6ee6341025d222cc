package dev.edgefaas.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ParametersTest {

    @Test
    void readsValuesFlagsAndCompoundParameters() {
        assertThat(Parameters.value("path=gateway;clients=64", "clients")).hasValue("64");
        assertThat(Parameters.number("n=10", "n")).hasValue(10.0);
        assertThat(Parameters.has("static;clients=4", "static")).isTrue();
        assertThat(Parameters.value("static;clients=4", "static")).isEmpty();
        assertThat(Parameters.parse("")).isEmpty();
        assertThat(Parameters.without("static;clients=4", "clients")).isEqualTo("static");
    }

    @Test
    void ordersNumbersInsideParametersByValue() {
        List<String> sorted = List.of("n=100", "clients=4", "n=20", "", "n=3").stream()
                .sorted(Parameters.NATURAL_ORDER).toList();

        assertThat(sorted).containsExactly("", "clients=4", "n=3", "n=20", "n=100");
    }
}
