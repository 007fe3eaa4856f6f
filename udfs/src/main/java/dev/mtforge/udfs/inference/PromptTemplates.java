package dev.mtforge.udfs.inference;

import dev.mtforge.udfs.readers.ReaderErrors;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The prompt formats {@code translate --prompt} knows by name, and user templates read from a file.
 *
 * <pre>{@code
 * PromptTemplates.named("llamax");                                   // Optional[PromptFormat.LLAMAX]
 * PromptTemplates.parse("conf/my-prompt.txt", "Translate {Src} to {Tgt}:\n{source}\n");
 * }</pre>
 *
 * <p>A template file is UTF-8 text; one line break at its end is dropped (editors add one), so a
 * prompt that must end with a line break ends with two. Placeholders: {@code {Src}} and
 * {@code {Tgt}} (the registry's English language names) and {@code {source}} (the segment, which
 * the template must contain); {@code {{} and {@code }}} stand for literal braces, and a brace that
 * does not start a placeholder is literal. Any other {@code {name}} is an error.
 */
public final class PromptTemplates {
  /** The names {@code --prompt} accepts besides a file path. */
  public static final List<String> NAMES = List.of("alma", "x-alma", "llamax");
  private static final List<String> PLACEHOLDERS = List.of("Src", "Tgt", "source");

  private PromptTemplates() {}

  /** The format of a name in {@link #NAMES} (any case), or empty for anything else (a path). */
  public static Optional<PromptFormat> named(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "alma" -> Optional.of(PromptFormat.ALMA);
      case "x-alma" -> Optional.of(PromptFormat.X_ALMA);
      case "llamax" -> Optional.of(PromptFormat.LLAMAX);
      default -> Optional.empty();
    };
  }

  /**
   * A user template from its file's text; an unknown placeholder or a template without
   * {@code {source}} is an {@link dev.mtforge.udfs.readers.InputFormatException} naming the file.
   *
   * @param file the template file as given (its name in tables and errors)
   * @param text the file's content
   */
  public static PromptFormat parse(String file, String text) {
    String template = text.endsWith("\r\n") ? text.substring(0, text.length() - 2)
        : text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    boolean hasSource = false;
    for (int i = 0; i < template.length(); i++) {
      char c = template.charAt(i);
      if ((c == '{' || c == '}') && i + 1 < template.length() && template.charAt(i + 1) == c) {
        i++;
        continue;
      }
      String name = placeholderAt(template, i);
      if (name == null) {
        continue;
      }
      if (!PLACEHOLDERS.contains(name)) {
        throw ReaderErrors.malformed(file, lineOf(template, i),
            "unknown placeholder {" + name + "} in prompt template; known: {Src}, {Tgt}, {source} (write {{ and }} for"
                + " literal braces)");
      }
      hasSource |= name.equals("source");
      i += name.length() + 1;
    }
    if (!hasSource) {
      throw ReaderErrors.malformed(file, 0, "a prompt template must contain {source}, the segment to translate");
    }
    return PromptFormat.template(file, template);
  }

  /** The template with its placeholders replaced (checked by {@link #parse}). */
  static String fill(String template, String sourceName, String targetName, String source) {
    StringBuilder out = new StringBuilder(template.length() + source.length() + 32);
    for (int i = 0; i < template.length(); i++) {
      char c = template.charAt(i);
      if ((c == '{' || c == '}') && i + 1 < template.length() && template.charAt(i + 1) == c) {
        out.append(c);
        i++;
        continue;
      }
      String name = placeholderAt(template, i);
      if (name == null) {
        out.append(c);
        continue;
      }
      out.append(switch (name) {
        case "Src" -> sourceName;
        case "Tgt" -> targetName;
        case "source" -> source;
        default -> throw new IllegalArgumentException("Unknown placeholder {" + name + "}");
      });
      i += name.length() + 1;
    }
    return out.toString();
  }

  /** The name of a {@code {name}} placeholder starting at {@code i} (letters and '_'), else null. */
  private static String placeholderAt(String template, int i) {
    if (template.charAt(i) != '{') {
      return null;
    }
    int j = i + 1;
    while (j < template.length() && (Character.isLetter(template.charAt(j)) || template.charAt(j) == '_')) {
      j++;
    }
    return j > i + 1 && j < template.length() && template.charAt(j) == '}' ? template.substring(i + 1, j) : null;
  }

  private static long lineOf(String text, int index) {
    return text.substring(0, index).chars().filter(ch -> ch == '\n').count() + 1;
  }
}
