package org.liaison.testing.ui;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.GC;
import org.eclipse.swt.graphics.Image;
import org.eclipse.swt.graphics.ImageData;
import org.eclipse.swt.graphics.ImageLoader;
import org.eclipse.swt.graphics.Rectangle;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Shell;

/**
 * Screenshots taken by UI tests, on the UI thread: on failure (into the test bundle's
 * {@code target/screenshots}) and, for the README, of each main view (into {@code docs/screenshots}
 * when the system property {@code liaison.update.screenshots} is true).
 */
public final class Screenshots {

	private Screenshots() {
	}

	/** Where failure screenshots go: {@code target/screenshots} of the running test bundle. */
	public static Path failureFolder() {
		return Paths.get("target", "screenshots").toAbsolutePath();
	}

	/** Captures one shell (or the whole screen when null) into {@code folder/name.png}. */
	public static Path capture(Display display, Shell shell, Path folder, String name) {
		settle(display, 400);
		boolean whole = shell == null || shell.isDisposed();
		Rectangle area = whole ? display.getBounds() : shell.getBounds();
		Image image = new Image(display, area.width, area.height);
		GC gc = new GC(whole ? (org.eclipse.swt.graphics.Drawable) display : image);
		try {
			if (whole) {
				gc.copyArea(image, area.x, area.y);
			} else {
				shell.print(gc);
			}
			ImageData data = image.getImageData();
			ImageLoader loader = new ImageLoader();
			loader.data = new ImageData[] { data };
			Files.createDirectories(folder);
			Path file = folder.resolve(name + ".png");
			loader.save(file.toString(), SWT.IMAGE_PNG);
			return file;
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		} finally {
			gc.dispose();
			image.dispose();
		}
	}

	/** Lets pending layout and paint events run for {@code millis} on the UI thread. */
	public static void settle(Display display, long millis) {
		long end = System.currentTimeMillis() + millis;
		while (System.currentTimeMillis() < end) {
			while (display.readAndDispatch()) {
				// drain
			}
			try {
				Thread.sleep(20);
			} catch (InterruptedException e) {
				Thread.currentThread().interrupt();
				return;
			}
		}
		display.update();
	}

	/** Saves a README screenshot into docs/screenshots when asked to, else next to failure shots. */
	public static Path forReadme(Display display, Shell shell, String name) {
		boolean update = Boolean.getBoolean("liaison.update.screenshots");
		String repo = System.getProperty("liaison.repo");
		Path folder = update && repo != null ? Paths.get(repo, "docs", "screenshots") : failureFolder();
		return capture(display, shell, folder, name);
	}
}
