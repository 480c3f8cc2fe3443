using BackupMonitor.Agent;

// backupmonitor-agent run|check --config FILE: exit 0 done, 1 failed (saying why), 2 bad usage or configuration.
const string Usage = "usage: backupmonitor-agent run --config FILE | check --config FILE";
if (args.Length != 3 || args[0] is not ("run" or "check") || args[1] != "--config")
{
    Console.Error.WriteLine(args is ["--help"] or ["-h"] ? Usage : $"error: bad arguments\n{Usage}");
    return args is ["--help"] or ["-h"] ? 0 : 2;
}

AgentConfiguration configuration;
string token;
try
{
    configuration = AgentConfiguration.Load(args[2]);
    token = configuration.ReadToken();
}
catch (ConfigurationException e)
{
    foreach (var problem in e.Problems) Console.Error.WriteLine($"error: {problem}");
    return 2;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
using var http = ServerClient.Create(configuration, token);
try
{
    return args[0] == "check"
        ? await new CheckCommand(configuration, http, Console.Out, Console.Error).RunAsync(stop.Token)
        : await new RunCommand(configuration, http, TimeProvider.System, Console.Error).RunAsync(stop.Token);
}
catch (OperationCanceledException)
{
    Console.Error.WriteLine("stopped; the spool keeps what is not yet accepted");
    return 1;
}
catch (Exception e) when (e is IOException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
