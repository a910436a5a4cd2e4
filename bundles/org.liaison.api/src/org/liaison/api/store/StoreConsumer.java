package org.liaison.api.store;

/** Receives rows one by one as a query streams them; may stop the stream by throwing. */
@FunctionalInterface
public interface StoreConsumer<T> {
	void accept(T row) throws StoreException;
}
