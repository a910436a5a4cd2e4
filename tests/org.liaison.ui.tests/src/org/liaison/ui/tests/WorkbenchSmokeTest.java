package org.liaison.ui.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.eclipse.e4.ui.model.application.ui.advanced.MPerspective;
import org.eclipse.e4.ui.model.application.ui.advanced.MPerspectiveStack;
import org.eclipse.e4.ui.model.application.ui.basic.MWindow;
import org.eclipse.e4.ui.workbench.modeling.EModelService;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Table;
import org.junit.jupiter.api.Test;
import org.liaison.testing.TestHome;
import org.liaison.testing.ui.Screenshots;
import org.liaison.testing.ui.Workbench;

/** The workbench starts to Liaison's window and perspective, with its parts built and filled. */
class WorkbenchSmokeTest {

	@Test
	void workbenchOpensTheLiaisonWindowInTheLiaisonPerspective() throws Exception {
		TestHome.get();
		System.setProperty("liaison.wizard.first-start", "false");
		Workbench.run("workbench-smoke", (display, shell, app) -> {
			assertEquals("Liaison", shell.getText());
			assertTrue(shell.getBounds().width >= 800, "the window has a usable size");

			MWindow window = app.getChildren().get(0);
			EModelService models = app.getContext().get(EModelService.class);
			MPerspectiveStack stack = (MPerspectiveStack) models.find("org.liaison.ui.perspectivestack", window);
			assertNotNull(stack);
			MPerspective active = stack.getSelectedElement();
			assertEquals("org.liaison.ui.perspective.main", active.getElementId());
			assertEquals("Liaison", active.getLabel());

			org.eclipse.swt.widgets.List areas = (org.eclipse.swt.widgets.List) find(shell, "folders");
			areas.setSelection(5);
			areas.notifyListeners(org.eclipse.swt.SWT.Selection, new org.eclipse.swt.widgets.Event());
			Table services = Ui.await(display, "services");
			assertNotNull(services, "the Sync part shows the wired services");
			assertTrue(services.getItemCount() >= 8);
			for (var item : services.getItems()) {
				assertTrue(!item.getText(1).isBlank() && !item.getText(1).equals("(none)"),
						"a service for '" + item.getText(0) + "' is wired");
			}
			Screenshots.forReadme(display, shell, "workbench");
		});
	}

	/** The control tagged with {@code org.liaison.test.id = id}, searched depth first. */
	static Control find(Composite root, String id) {
		List<Control> todo = new ArrayList<>(List.of(root.getChildren()));
		while (!todo.isEmpty()) {
			Control c = todo.remove(0);
			if (id.equals(c.getData("org.liaison.test.id"))) {
				return c;
			}
			if (c instanceof Composite k) {
				todo.addAll(List.of(k.getChildren()));
			}
		}
		return null;
	}
}
