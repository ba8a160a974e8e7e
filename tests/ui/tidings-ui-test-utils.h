/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Helpers shared by the UI tests: bounded waits on the main loop, widget
 * lookup, and screenshots of a window checked for blankness. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Figures about a screenshot, used to tell a real rendering from a blank
 * (single-colour) surface. */
typedef struct
{
  int    width;
  int    height;
  double mean_luminance;    /* 0 (black) .. 1 (white) */
  double dominant_fraction; /* share of pixels within a small distance of the most common colour */
  guint  n_colours;         /* distinct colours, counted at 4 bits per channel */
  double transparent_fraction; /* share of pixels that are not opaque */
} TidingsUiImageStats;

/* Skips (exit 77) when there is no display; otherwise initializes GTK. Call
 * before g_test_init (). Also points GSettings at the schema compiled in the
 * build tree and keeps it in memory. */
void          tidings_ui_test_init                (int          *argc,
                                                   char       ***argv);

/* Iterates the default main context until @condition returns TRUE or
 * @timeout_ms passes. Returns the condition's last value. */
gboolean      tidings_ui_test_wait_until          (gboolean    (*condition) (gpointer data),
                                                   gpointer      data,
                                                   guint         timeout_ms);
/* Iterates the default main context for @ms milliseconds. */
void          tidings_ui_test_iterate_for         (guint         ms);
/* Waits until @widget is mapped and its frame clock has painted at least
 * @n_frames frames since the call. */
gboolean      tidings_ui_test_wait_for_frames     (GtkWidget    *widget,
                                                   guint         n_frames,
                                                   guint         timeout_ms);
/* Waits until @window's surface is at least @width × @height (X11 without
 * a compositor adds a frame of a few pixels). */
gboolean      tidings_ui_test_wait_for_size       (GtkWidget    *window,
                                                   int           width,
                                                   int           height,
                                                   guint         timeout_ms);

/* Depth-first search below (and including) @root. */
GtkWidget    *tidings_ui_test_find_widget         (GtkWidget    *root,
                                                   GType         type);
/* Finds a widget of @type whose title, label or tooltip text equals @text. */
GtkWidget    *tidings_ui_test_find_widget_with_text (GtkWidget  *root,
                                                   GType         type,
                                                   const char   *text);
/* The same, among the widgets that are on screen (mapped). */
GtkWidget    *tidings_ui_test_find_mapped_widget_with_text (GtkWidget *root,
                                                   GType         type,
                                                   const char   *text);

/* Renders @widget into a texture; for a window, its content (header bars
 * included) without the frame drawn around it when nothing composites. */
GdkTexture   *tidings_ui_test_render              (GtkWidget    *widget);
void          tidings_ui_test_image_stats         (GdkTexture   *texture,
                                                   TidingsUiImageStats *stats);
/* TRUE when nearly all pixels share one colour, or there are hardly any
 * colours at all: nothing was drawn. */
gboolean      tidings_ui_test_image_looks_blank   (const TidingsUiImageStats *stats);
/* The folder screenshots go to: $TIDINGS_TEST_BUILDDIR/tests/ui/screenshots
 * (or a temporary folder), created on demand. */
const char   *tidings_ui_test_screenshot_dir      (void);
/* Renders @widget, saves it as <screenshot dir>/<name>.png, and fails the
 * test if the image has the wrong size or is blank. Fills @stats if given. */
void          tidings_ui_test_screenshot          (GtkWidget    *widget,
                                                   const char   *name,
                                                   TidingsUiImageStats *stats);

G_END_DECLS
