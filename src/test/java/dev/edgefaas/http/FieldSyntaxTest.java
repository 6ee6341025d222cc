package dev.edgefaas.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The one reading of a Content-Length value, for requests and instances' answers alike. */
class FieldSyntaxTest {
    @ParameterizedTest
    @ValueSource(strings = {"0", "5", "0005", "999999999999999999"})
    void digitsAreALength(String value) {
        assertThat(FieldSyntax.contentLength(value)).isEqualTo(Long.parseLong(value));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "+5", "-1", "5,5", "5, 5", " 5", "5 ", "1e3", "abc", "0x10", "1000000000000000000"})
    void anythingElseIsNot(String value) {
        assertThat(FieldSyntax.contentLength(value)).isEqualTo(-1);
    }
}
