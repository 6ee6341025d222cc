package dev.edgefaas.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FunctionPathTest {
    @Test
    void theRestOfThePathIsForwardedRawAndTheBareNameMeansRoot() {
        assertThat(FunctionPath.parse("/function/hello-go/a/b%2Fc")).isEqualTo(new FunctionPath("hello-go", "/a/b%2Fc"));
        assertThat(FunctionPath.parse("/function/hello-go/")).isEqualTo(new FunctionPath("hello-go", "/"));
        assertThat(FunctionPath.parse("/function/hello-go")).isEqualTo(new FunctionPath("hello-go", "/"));
    }

    @Test
    void pathsThatNameNoFunctionAreNotParsed() {
        assertThat(FunctionPath.parse("/function/")).isNull();
        assertThat(FunctionPath.parse("/functions/x")).isNull();
        assertThat(FunctionPath.parse("/")).isNull();
    }
}
