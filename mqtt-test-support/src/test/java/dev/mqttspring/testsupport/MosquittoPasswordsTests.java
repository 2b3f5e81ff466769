package dev.mqttspring.testsupport;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MosquittoPasswords}.
 */
class MosquittoPasswordsTests {

	@Test
	void hashesInMosquittoFormatWithARandomSalt() {
		String hash = MosquittoPasswords.hash("secret");
		String[] parts = hash.split("\\$");
		assertThat(parts).hasSize(5);
		assertThat(parts[1]).isEqualTo("7");
		assertThat(parts[2]).isEqualTo("101");
		byte[] salt = Base64.getDecoder().decode(parts[3]);
		assertThat(salt).hasSize(12);
		assertThat(Base64.getDecoder().decode(parts[4])).hasSize(64)
			.isEqualTo(MosquittoPasswords.pbkdf2("secret", salt, 101));
		assertThat(MosquittoPasswords.hash("secret")).isNotEqualTo(hash);
	}

	@Test
	void writesOneLinePerUserInOrder() {
		Map<String, String> users = new LinkedHashMap<>();
		users.put("bob", "b");
		users.put("alice", "a");
		assertThat(MosquittoPasswords.file(users).split("\n")).hasSize(2)
			.satisfiesExactly((line) -> assertThat(line).startsWith("bob:$7$101$"),
					(line) -> assertThat(line).startsWith("alice:$7$101$"));
	}

}
