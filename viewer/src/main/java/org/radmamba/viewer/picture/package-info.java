/**
 * The port for picture formats the viewer does not read itself ({@link org.radmamba.viewer.picture.PictureFormats}):
 * the app implements it over the plugins' image sources, so that the viewer knows nothing of plugins.
 */
package org.radmamba.viewer.picture;
