package dev.mtforge.cli;

import dev.mtforge.schemas.languages.Language;
import dev.mtforge.schemas.languages.LanguageGroup;
import dev.mtforge.schemas.languages.LanguageRegistry;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mtforge languages}: prints the language registry (no Spark). */
@Command(
    name = "languages",
    mixinStandardHelpOptions = true,
    description = "Print the language registry: groups and their languages (ISO 639-1, Flores-200"
        + " code, prompt name, script, resource level). Needs no Spark.")
public final class LanguagesCommand implements Callable<Integer> {
  @Mixin RegistryOptions registryOptions;
  @Spec CommandSpec spec;

  @Option(names = "--group", paramLabel = "<id>", description = "Only this group.")
  Integer group;

  public static void main(String[] args) {
    System.exit(MtforgeCli.run(new LanguagesCommand(), args));
  }

  @Override
  public Integer call() {
    LanguageRegistry registry = registryOptions.registry();
    if (group != null) {
      registry.group(group); // an unknown id is an error listing the known ones
    }
    PrintWriter out = spec.commandLine().getOut();
    for (LanguageGroup g : registry.groups()) {
      if (group != null && g.id() != group) {
        continue;
      }
      out.printf("group %d  %s  (%d languages + en)%n", g.id(), g.name(), g.members().size());
      for (Language l : g.members()) {
        out.printf("  %-3s %-9s %-12s %-5s %s%n", l.code(), l.floresCode(), l.name(), l.script(),
            l.resource().label());
      }
    }
    out.printf("%d languages, %d groups; pivot: %s%n", registry.languages().size(),
        registry.groups().size(),
        registry.pivot());
    out.flush();
    return 0;
  }
}
