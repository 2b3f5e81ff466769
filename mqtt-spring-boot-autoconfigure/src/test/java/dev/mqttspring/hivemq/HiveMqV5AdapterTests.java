package dev.mqttspring.hivemq;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link HiveMqV5Adapter}'s detection of overlapping filters.
 */
class HiveMqV5AdapterTests {

	@ParameterizedTest(name = "{0} and {1}: {2}")
	@CsvSource(delimiter = ' ', value = {
			"a/b a/b true",
			"a/+ a/# true",
			"a/+ a/b true",
			"a/# a/b/c true",
			"a/# a true",
			"a/+ a false",
			"a/+/t a/b/+ true",
			"a/+/t a/b/u false",
			"a/+ b/+ false",
			"# $SYS/x false",
			"+/x $SYS/x false",
			"# + true",
			"$share/g/a/+ a/b true",
			"$share/g/# $SYS/x false",
			"a/b/c a/b false" })
	void overlap(String first, String second, boolean overlap) {
		assertThat(HiveMqV5Adapter.overlap(first, second)).isEqualTo(overlap);
		assertThat(HiveMqV5Adapter.overlap(second, first)).isEqualTo(overlap);
	}

}
