package dev.mqttspring.event;

/**
 * Published when the connection to the broker is established.
 *
 * @author mqtt-spring-boot
 */
public class MqttConnectedEvent extends MqttEvent {

	private final String serverUri;

	private final boolean reconnect;

	private final boolean sessionPresent;

	/**
	 * Create a new event.
	 * @param clientId the client id
	 * @param serverUri the server URI connected to
	 * @param reconnect whether this follows a loss
	 * @param sessionPresent whether the broker resumed a session
	 */
	public MqttConnectedEvent(String clientId, String serverUri, boolean reconnect, boolean sessionPresent) {
		super(clientId);
		this.serverUri = serverUri;
		this.reconnect = reconnect;
		this.sessionPresent = sessionPresent;
	}

	/**
	 * Return the server URI connected to.
	 * @return the server URI
	 */
	public String getServerUri() {
		return this.serverUri;
	}

	/**
	 * Return whether this connection follows a loss.
	 * @return whether a reconnect
	 */
	public boolean isReconnect() {
		return this.reconnect;
	}

	/**
	 * Return whether the broker resumed a session.
	 * @return whether a session was present
	 */
	public boolean isSessionPresent() {
		return this.sessionPresent;
	}

}
