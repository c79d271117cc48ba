/**
 * The process's log backend for SLF4J: one line per event on standard error, as logfmt (the
 * default) or JSON ({@code --log.format}), with a level per process and quieter defaults for the
 * web server's libraries.
 *
 * <pre>{@code
 * LogSettings.configure(Level.INFO, LogFormat.JSON);   // once, from the command line
 * }</pre>
 */
package io.cxexporter.log;
