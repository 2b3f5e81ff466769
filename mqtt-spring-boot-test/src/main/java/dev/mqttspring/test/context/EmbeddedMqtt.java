package dev.mqttspring.test.context;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

import dev.mqttspring.embedded.EmbeddedMqttBroker;

/**
 * Starts an in-process MQTT broker ({@link EmbeddedMqttBroker}, HiveMQ CE) for a test
 * class, like {@code @EmbeddedKafka}; no Docker and no installed broker needed.
 * <ul>
 * <li>In a Spring test ({@code @SpringBootTest}, {@code @SpringJUnitConfig}, ...) the
 * broker is started before the application context, registered in it as the
 * {@code embeddedMqttBroker} bean (stopped when the context is closed) and
 * {@code mqtt.url} points at it, as does {@code mqtt.connections.<name>.url} of the named
 * connections (see {@link #connections()}). Test classes with the same {@code @EmbeddedMqtt}
 * attributes and otherwise the same configuration share the cached context and so the
 * broker.</li>
 * <li>In a plain JUnit 5 test the broker is started once per test class and stopped
 * after it.</li>
 * </ul>
 * Either way an {@link EmbeddedMqttBroker} parameter of a test method, lifecycle method
 * or constructor is resolved to the running broker.
 *
 * <pre class="code">
 * &#064;SpringBootTest
 * &#064;EmbeddedMqtt
 * class SensorTests {
 *
 *     &#064;Test
 *     void publishes(&#064;Autowired MqttTemplate template, EmbeddedMqttBroker broker) { ... }
 *
 * }
 * </pre>
 *
 * @author mqtt-spring-boot
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(EmbeddedMqttExtension.class)
public @interface EmbeddedMqtt {

	/**
	 * TCP port of the broker; {@code 0} (default) picks a free port. A fixed port cannot be
	 * shared by two cached application contexts with different configuration.
	 * @return the port
	 */
	int port() default EmbeddedMqttBroker.RANDOM_PORT;

	/**
	 * WebSocket port of the broker (path {@value EmbeddedMqttBroker#WEBSOCKET_PATH});
	 * {@code -1} (default) for no WebSocket listener, {@code 0} for a free port.
	 * @return the WebSocket port
	 */
	int webSocketPort() default EmbeddedMqttBroker.WEBSOCKET_DISABLED;

	/**
	 * Maximum QoS the broker grants, to test against brokers without QoS 2 such as AWS
	 * IoT; {@code -1} (default) keeps the broker's (2).
	 * @return the maximum QoS
	 */
	int maxQos() default -1;

	/**
	 * Named connections ({@code mqtt.connections.<name>}) whose URL is pointed at the broker
	 * as well; by default ({@value #ALL_CONNECTIONS}) every one the configuration declares.
	 * Give names to leave the other connections where they are configured, or no name
	 * ({@code connections = {}}) for the default connection only.
	 * @return the names of the named connections to serve
	 */
	String[] connections() default ALL_CONNECTIONS;

	/**
	 * Value of {@link #connections()} that serves every named connection.
	 */
	String ALL_CONNECTIONS = "*";

}
