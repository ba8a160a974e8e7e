/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "tidings-ui-test-utils.h"

/* A screenshot is blank when this share of its pixels has one colour. */
#define BLANK_DOMINANT_FRACTION 0.985
#define MIN_COLOURS             8
/* Windows are opaque; a see-through screenshot lost its background. */
#define MAX_TRANSPARENT_FRACTION 0.01

void
tidings_ui_test_init (int    *argc,
                      char ***argv)
{
  const char *builddir = g_getenv ("TIDINGS_TEST_BUILDDIR");

  setlocale (LC_ALL, "");

  /* The schema compiled in the build tree, and settings kept in memory so
   * every run starts from the defaults. */
  if (builddir != NULL)
    {
      g_autofree char *schema_dir = g_build_filename (builddir, "data", NULL);

      g_setenv ("GSETTINGS_SCHEMA_DIR", schema_dir, TRUE);
    }
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);

  /* gtk_test_init () aborts without a display; skip instead. */
  if (!gtk_init_check ())
    {
      g_printerr ("No display (run under xvfb-run): skipping\n");
      exit (77);
    }
}

static gboolean
wake_up (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

gboolean
tidings_ui_test_wait_until (gboolean (*condition) (gpointer data),
                            gpointer   data,
                            guint      timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  guint waker;
  gboolean done;

  /* Blocking iterations wake at least every 10 ms, so the deadline holds
   * even when nothing else happens. */
  waker = g_timeout_add (10, wake_up, NULL);
  while (!(done = condition (data)) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (waker);

  return done;
}

static gboolean
never (gpointer data)
{
  return FALSE;
}

void
tidings_ui_test_iterate_for (guint ms)
{
  tidings_ui_test_wait_until (never, NULL, ms);
}

typedef struct
{
  GtkWidget *widget;
  guint      painted;
  guint      wanted;
} FrameWait;

static void
after_paint_cb (GdkFrameClock *clock,
                FrameWait     *wait)
{
  wait->painted++;
  if (wait->painted < wait->wanted)
    gtk_widget_queue_draw (wait->widget);
}

static gboolean
is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (GTK_WIDGET (data));
}

static gboolean
painted_enough (gpointer data)
{
  FrameWait *wait = data;

  return wait->painted >= wait->wanted;
}

gboolean
tidings_ui_test_wait_for_frames (GtkWidget *widget,
                                 guint      n_frames,
                                 guint      timeout_ms)
{
  gint64 start = g_get_monotonic_time ();
  FrameWait wait = { widget, 0, n_frames };
  GdkFrameClock *clock;
  gulong handler;
  guint left_ms;
  gboolean done;

  g_return_val_if_fail (GTK_IS_WIDGET (widget), FALSE);

  if (!tidings_ui_test_wait_until (is_mapped, widget, timeout_ms))
    return FALSE;

  clock = gtk_widget_get_frame_clock (widget);
  if (clock == NULL)
    return FALSE;

  left_ms = timeout_ms - MIN ((guint) ((g_get_monotonic_time () - start) / 1000), timeout_ms);
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), &wait);
  gtk_widget_queue_draw (widget);
  done = tidings_ui_test_wait_until (painted_enough, &wait, left_ms);
  g_signal_handler_disconnect (clock, handler);

  return done;
}

typedef struct
{
  GtkWidget *window;
  int        width;
  int        height;
} SizeWait;

static gboolean
has_size (gpointer data)
{
  SizeWait *wait = data;
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (wait->window));

  return surface != NULL &&
         gdk_surface_get_width (surface) >= wait->width &&
         gdk_surface_get_height (surface) >= wait->height;
}

gboolean
tidings_ui_test_wait_for_size (GtkWidget *window,
                               int        width,
                               int        height,
                               guint      timeout_ms)
{
  SizeWait wait = { window, width, height };

  return tidings_ui_test_wait_until (has_size, &wait, timeout_ms);
}

GtkWidget *
tidings_ui_test_find_widget (GtkWidget *root,
                             GType      type)
{
  g_return_val_if_fail (GTK_IS_WIDGET (root), NULL);

  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = tidings_ui_test_find_widget (child, type);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static gboolean
widget_has_text (GtkWidget  *widget,
                 const char *text)
{
  static const char *properties[] = { "title", "label", "tooltip-text" };

  for (guint i = 0; i < G_N_ELEMENTS (properties); i++)
    {
      GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (widget), properties[i]);
      g_autofree char *value = NULL;

      if (pspec == NULL || pspec->value_type != G_TYPE_STRING)
        continue;

      g_object_get (widget, properties[i], &value, NULL);
      if (g_strcmp0 (value, text) == 0)
        return TRUE;
    }

  return FALSE;
}

static GtkWidget *
find_with_text (GtkWidget  *root,
                GType       type,
                const char *text,
                gboolean    mapped_only)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type) && widget_has_text (root, text) &&
      (!mapped_only || gtk_widget_get_mapped (root)))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_with_text (child, type, text, mapped_only);

      if (found != NULL)
        return found;
    }

  return NULL;
}

GtkWidget *
tidings_ui_test_find_widget_with_text (GtkWidget  *root,
                                       GType       type,
                                       const char *text)
{
  g_return_val_if_fail (GTK_IS_WIDGET (root), NULL);

  return find_with_text (root, type, text, FALSE);
}

GtkWidget *
tidings_ui_test_find_mapped_widget_with_text (GtkWidget  *root,
                                              GType       type,
                                              const char *text)
{
  g_return_val_if_fail (GTK_IS_WIDGET (root), NULL);

  return find_with_text (root, type, text, TRUE);
}

/* For a window, the part to show is its child and title bar: the content,
 * header bars included, without the frame GTK adds around windows when
 * nothing composites. The child draws no background of its own, so the
 * whole window is rendered and then cropped to that part. Bounds are in
 * @widget's coordinates. */
static gboolean
content_bounds (GtkWidget       *widget,
                graphene_rect_t *bounds)
{
  GtkWidget *parts[2] = { NULL, NULL };
  gboolean found = FALSE;

  if (GTK_IS_WINDOW (widget))
    {
      parts[0] = gtk_window_get_child (GTK_WINDOW (widget));
      parts[1] = gtk_window_get_titlebar (GTK_WINDOW (widget));
    }
  if (parts[0] == NULL)
    return gtk_widget_compute_bounds (widget, widget, bounds);

  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    {
      graphene_rect_t part;

      if (parts[i] == NULL || !gtk_widget_get_mapped (parts[i]) ||
          !gtk_widget_compute_bounds (parts[i], widget, &part) ||
          part.size.width <= 0 || part.size.height <= 0)
        continue;

      if (found)
        graphene_rect_union (bounds, &part, bounds);
      else
        *bounds = part;
      found = TRUE;
    }

  return found;
}

GdkTexture *
tidings_ui_test_render (GtkWidget *widget)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  GtkSnapshot *snapshot;
  GskRenderNode *node;
  GskRenderer *renderer;
  GdkTexture *texture;
  graphene_rect_t widget_bounds, content, viewport;
  int width, height;

  g_return_val_if_fail (GTK_IS_WIDGET (widget), NULL);
  g_return_val_if_fail (gtk_widget_get_mapped (widget), NULL);

  /* The paintable draws the widget's border box at its natural size (no
   * scaling); widget coordinates start at the content box, so the
   * viewport is the content's bounds shifted by the border box's origin. */
  if (!gtk_widget_compute_bounds (widget, widget, &widget_bounds) ||
      !content_bounds (widget, &content))
    return NULL;

  paintable = gtk_widget_paintable_new (widget);
  width = gdk_paintable_get_intrinsic_width (paintable);
  height = gdk_paintable_get_intrinsic_height (paintable);
  g_return_val_if_fail (width > 0 && height > 0, NULL);

  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  if (node == NULL)
    return NULL;

  viewport = GRAPHENE_RECT_INIT (content.origin.x - widget_bounds.origin.x,
                                 content.origin.y - widget_bounds.origin.y,
                                 content.size.width,
                                 content.size.height);

  /* The window's own renderer: the same path its frames take on screen. */
  renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  texture = gsk_renderer_render_texture (renderer, node, &viewport);
  gsk_render_node_unref (node);

  return texture;
}

void
tidings_ui_test_image_stats (GdkTexture          *texture,
                             TidingsUiImageStats *stats)
{
  g_autofree guchar *pixels = NULL;
  g_autofree guint *histogram = NULL;
  gsize stride, n_pixels;
  double luminance = 0;
  guint dominant = 0;
  gsize transparent = 0;

  g_return_if_fail (GDK_IS_TEXTURE (texture));
  g_return_if_fail (stats != NULL);

  memset (stats, 0, sizeof *stats);
  stats->width = gdk_texture_get_width (texture);
  stats->height = gdk_texture_get_height (texture);
  stride = (gsize) stats->width * 4;
  n_pixels = (gsize) stats->width * stats->height;
  if (n_pixels == 0)
    return;

  /* Downloaded as cairo's ARGB32: premultiplied B, G, R, A bytes on
   * little-endian machines; luminance is thus measured over black. */
  pixels = g_malloc (stride * stats->height);
  gdk_texture_download (texture, pixels, stride);

  histogram = g_new0 (guint, 4096);
  for (gsize i = 0; i < n_pixels; i++)
    {
      const guchar *p = pixels + i * 4;
      guint key = ((guint) (p[2] >> 4) << 8) | ((guint) (p[1] >> 4) << 4) | (p[0] >> 4);

      histogram[key]++;
      if (p[3] < 250)
        transparent++;
      luminance += 0.2126 * p[2] + 0.7152 * p[1] + 0.0722 * p[0];
    }

  for (guint k = 0; k < 4096; k++)
    {
      if (histogram[k] == 0)
        continue;
      stats->n_colours++;
      dominant = MAX (dominant, histogram[k]);
    }

  stats->mean_luminance = luminance / n_pixels / 255.0;
  stats->dominant_fraction = (double) dominant / n_pixels;
  stats->transparent_fraction = (double) transparent / n_pixels;
}

gboolean
tidings_ui_test_image_looks_blank (const TidingsUiImageStats *stats)
{
  g_return_val_if_fail (stats != NULL, TRUE);

  return stats->width <= 0 || stats->height <= 0 ||
         stats->dominant_fraction > BLANK_DOMINANT_FRACTION ||
         stats->n_colours < MIN_COLOURS;
}

const char *
tidings_ui_test_screenshot_dir (void)
{
  static char *dir = NULL;

  if (dir == NULL)
    {
      const char *builddir = g_getenv ("TIDINGS_TEST_BUILDDIR");

      if (builddir != NULL)
        dir = g_build_filename (builddir, "tests", "ui", "screenshots", NULL);
      else
        dir = g_build_filename (g_get_tmp_dir (), "tidings-ui-screenshots", NULL);
      g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
    }

  return dir;
}

void
tidings_ui_test_screenshot (GtkWidget           *widget,
                            const char          *name,
                            TidingsUiImageStats *out_stats)
{
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *basename = g_strconcat (name, ".png", NULL);
  g_autofree char *path = g_build_filename (tidings_ui_test_screenshot_dir (), basename, NULL);
  TidingsUiImageStats stats;
  graphene_rect_t expected;

  texture = tidings_ui_test_render (widget);
  g_assert_nonnull (texture);

  g_assert_true (gdk_texture_save_to_png (texture, path));
  tidings_ui_test_image_stats (texture, &stats);
  g_test_message ("%s: %d×%d, mean luminance %.2f, %u colours, dominant colour %.1f%%, "
                  "transparent %.1f%%",
                  path, stats.width, stats.height, stats.mean_luminance,
                  stats.n_colours, stats.dominant_fraction * 100,
                  stats.transparent_fraction * 100);

  g_assert_true (content_bounds (widget, &expected));
  g_assert_cmpint (stats.width, ==, (int) ceilf (expected.size.width));
  g_assert_cmpint (stats.height, ==, (int) ceilf (expected.size.height));
  if (stats.transparent_fraction > MAX_TRANSPARENT_FRACTION)
    g_error ("Screenshot %s is %.1f%% transparent: the window background is missing",
             path, stats.transparent_fraction * 100);
  if (tidings_ui_test_image_looks_blank (&stats))
    g_error ("Screenshot %s looks blank: %.1f%% of it is one colour, %u colours in all",
             path, stats.dominant_fraction * 100, stats.n_colours);

  if (out_stats != NULL)
    *out_stats = stats;
}
