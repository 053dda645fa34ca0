// The floor of the start-up benchmark for programs whose options commander reads: a
// program that loads commander alone (as lib/deps_startup.ts gives it) and prints the help
// of a one-option command. Run: deno run -A tests/bench/commander_help.ts --help
import { Command } from "../../lib/deps_startup.ts";

new Command("hello")
  .description("Says hello.")
  .option("--name <name>", "who to greet", "world")
  .action((options: { name: string }) => console.log(`Hello, ${options.name}`))
  .parse(Deno.args, { from: "user" });
