using BackupMonitor.Cli;

// A one-shot command (everything but `serve`) resolves each service a handful of times: the dependency injection
// container's dynamic engine would compile each resolution to IL after its second use, on another thread, which
// costs a short process more than it ever saves (about a hundred methods to JIT; bench/README.md). `serve` keeps it.
if (args.FirstOrDefault(a => !a.StartsWith('-')) != ServeCommand.Name)
    AppContext.SetSwitch("Microsoft.Extensions.DependencyInjection.DisableDynamicEngine", true);

// Log lines leave through one background writer (see StderrPump); whatever is pending goes out before the process ends.
await using var stderr = new StderrPump(Console.OpenStandardError());
AppDomain.CurrentDomain.ProcessExit += (_, _) => stderr.Flush();
return await CliApp.RunAsync(args, new CliContext(Console.Out, stderr, null, TimeProvider.System));
