package dev.mqttspring.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small fault-injecting TCP proxy on 127.0.0.1 that forwards to a target and can reset connections,
 * silently drop traffic or refuse new connections.
 *
 * <p>
 * Every accepted connection uses two daemon pump threads; {@link #close()} stops the acceptor, aborts all
 * connections and waits (bounded) for all threads to finish.
 */
public final class TcpProxy implements AutoCloseable {

	private static final AtomicInteger INSTANCES = new AtomicInteger();

	private static final int CONNECT_TIMEOUT_MILLIS = 5_000;

	private static final long JOIN_MILLIS = 2_000;

	private final String targetHost;

	private final int targetPort;

	private final ServerSocket serverSocket;

	private final String name;

	private final Thread acceptor;

	private final Set<Connection> connections = ConcurrentHashMap.newKeySet();

	private final List<Thread> threads = new CopyOnWriteArrayList<>();

	private final AtomicInteger connectionIds = new AtomicInteger();

	private volatile boolean blackhole;

	private volatile boolean refuseNew;

	private volatile boolean closed;

	private TcpProxy(String targetHost, int targetPort) throws IOException {
		this.targetHost = targetHost;
		this.targetPort = targetPort;
		this.serverSocket = new ServerSocket();
		this.serverSocket.setReuseAddress(true);
		this.serverSocket.bind(new InetSocketAddress(FreePorts.loopback(), 0), 50);
		this.name = "tcp-proxy-" + INSTANCES.incrementAndGet() + "-" + this.serverSocket.getLocalPort() + "->"
				+ targetPort;
		this.acceptor = new Thread(this::acceptLoop, this.name + "-acceptor");
		this.acceptor.setDaemon(true);
		this.acceptor.start();
	}

	/**
	 * Starts a proxy on a free 127.0.0.1 port that forwards every connection to the given target.
	 * @param targetHost the host to forward to
	 * @param targetPort the port to forward to
	 * @return the running proxy
	 */
	public static TcpProxy start(String targetHost, int targetPort) {
		try {
			return new TcpProxy(targetHost, targetPort);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start TCP proxy to " + targetHost + ":" + targetPort, ex);
		}
	}

	/**
	 * Returns the local port the proxy listens on.
	 * @return the port
	 */
	public int port() {
		return this.serverSocket.getLocalPort();
	}

	/**
	 * Returns the MQTT URL of the proxy, {@code tcp://127.0.0.1:<port>}.
	 * @return the URL
	 */
	public String url() {
		return "tcp://127.0.0.1:" + port();
	}

	/**
	 * Aborts every open connection with a TCP RST (SO_LINGER 0) on both the client and the target side.
	 */
	public void resetAll() {
		for (Connection connection : this.connections) {
			connection.abort();
		}
	}

	/**
	 * Switches black-hole mode: while on, bytes are read and discarded in both directions but connections stay
	 * open, simulating a frozen network.
	 * @param enabled whether traffic should be discarded
	 */
	public void blackhole(boolean enabled) {
		this.blackhole = enabled;
	}

	/**
	 * Switches refuse mode: while on, new connections are accepted and closed immediately without contacting the
	 * target.
	 * @param enabled whether new connections should be refused
	 */
	public void refuseNew(boolean enabled) {
		this.refuseNew = enabled;
	}

	/**
	 * Returns the number of currently open proxied connections.
	 * @return the number of open connections
	 */
	public int connectionCount() {
		return this.connections.size();
	}

	/**
	 * Stops accepting, aborts all connections and waits (bounded) for the proxy threads to finish.
	 */
	@Override
	public void close() {
		this.closed = true;
		closeQuietly(this.serverSocket);
		resetAll();
		joinQuietly(this.acceptor);
		for (Thread thread : this.threads) {
			joinQuietly(thread);
		}
		this.threads.clear();
	}

	@Override
	public String toString() {
		return "TcpProxy[127.0.0.1:" + port() + " -> " + this.targetHost + ":" + this.targetPort + ", connections="
				+ connectionCount() + ", blackhole=" + this.blackhole + ", refuseNew=" + this.refuseNew + "]";
	}

	private void acceptLoop() {
		while (!this.closed) {
			Socket client;
			try {
				client = this.serverSocket.accept();
			}
			catch (IOException ex) {
				if (this.closed) {
					return;
				}
				continue;
			}
			if (this.refuseNew || this.closed) {
				closeQuietly(client);
				continue;
			}
			Socket target = new Socket();
			try {
				target.connect(new InetSocketAddress(this.targetHost, this.targetPort), CONNECT_TIMEOUT_MILLIS);
				client.setTcpNoDelay(true);
				target.setTcpNoDelay(true);
			}
			catch (IOException ex) {
				closeQuietly(target);
				closeQuietly(client);
				continue;
			}
			Connection connection = new Connection(client, target);
			this.connections.add(connection);
			if (this.closed) {
				connection.abort();
				continue;
			}
			int id = this.connectionIds.incrementAndGet();
			startPump(connection, client, target, this.name + "-" + id + "-upstream");
			startPump(connection, target, client, this.name + "-" + id + "-downstream");
		}
	}

	private void startPump(Connection connection, Socket from, Socket to, String threadName) {
		this.threads.removeIf((thread) -> !thread.isAlive());
		Thread thread = new Thread(() -> pump(connection, from, to), threadName);
		thread.setDaemon(true);
		this.threads.add(thread);
		thread.start();
	}

	private void pump(Connection connection, Socket from, Socket to) {
		byte[] buffer = new byte[16 * 1024];
		try {
			InputStream in = from.getInputStream();
			OutputStream out = to.getOutputStream();
			int read;
			while ((read = in.read(buffer)) != -1) {
				if (!this.blackhole) {
					out.write(buffer, 0, read);
					out.flush();
				}
			}
			// Orderly end of stream: propagate the half-close, the other pump finishes the connection.
			if (!this.blackhole) {
				try {
					to.shutdownOutput();
				}
				catch (IOException ex) {
					// other side already gone
				}
			}
			connection.pumpFinished(false);
		}
		catch (IOException ex) {
			connection.pumpFinished(true);
		}
	}

	private static void closeQuietly(AutoCloseable closeable) {
		try {
			closeable.close();
		}
		catch (Exception ex) {
			// ignore
		}
	}

	private static void joinQuietly(Thread thread) {
		try {
			thread.join(JOIN_MILLIS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private final class Connection {

		private final Socket client;

		private final Socket target;

		private final AtomicInteger finishedPumps = new AtomicInteger();

		Connection(Socket client, Socket target) {
			this.client = client;
			this.target = target;
		}

		void pumpFinished(boolean failed) {
			if (failed) {
				abort();
			}
			else if (this.finishedPumps.incrementAndGet() == 2) {
				close();
			}
		}

		void abort() {
			linger0(this.client);
			linger0(this.target);
			close();
		}

		private void close() {
			closeQuietly(this.client);
			closeQuietly(this.target);
			TcpProxy.this.connections.remove(this);
		}

		private void linger0(Socket socket) {
			try {
				if (!socket.isClosed()) {
					socket.setSoLinger(true, 0);
				}
			}
			catch (SocketException ex) {
				// already closed
			}
		}

	}

}
