package dev.mqttspring.listener;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Records what test listeners received, by key.
 */
public class Recorder {

	private final Map<String, List<Object>> values = new ConcurrentHashMap<>();

	public void add(String key, Object value) {
		this.values.computeIfAbsent(key, (k) -> new CopyOnWriteArrayList<>()).add(value);
	}

	public List<Object> get(String key) {
		return this.values.computeIfAbsent(key, (k) -> new CopyOnWriteArrayList<>());
	}

	public int count(String key) {
		return get(key).size();
	}

}
