/** Support for UI tests that drive SWT directly under Xvfb (SWTBot is not on Maven Central). */
@org.osgi.annotation.versioning.Version("0.1.0")
package org.liaison.testing.ui;
