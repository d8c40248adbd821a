using System.Diagnostics;
using System.Text;

namespace WherebyGrains.Testing;

/// <summary>
/// Runs <c>deploy/local/cluster.sh N</c> for real (Azurite, N silo processes clustered over Azure
/// Table, the query host), on free ports with its data in a temporary folder, using the binaries
/// the tests were built with. Stopping it sends SIGTERM to the script, which stops the rest; what
/// survives (a hung process) is killed from the pid files.
/// </summary>
public sealed class ClusterScript : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromMinutes(3);
    private readonly Process _script;
    private readonly StringBuilder _output = new();
    private readonly string _data;

    private ClusterScript(Process script, string data, int basePort)
    {
        _script = script;
        _data = data;
        BasePort = basePort;
    }

    /// <summary>Silo i's HTTP port is <c>BasePort + i - 1</c>; the query host's <c>BasePort + 10</c>.</summary>
    public int BasePort { get; }

    /// <summary>Silo <paramref name="i"/>'s base URL (1-based).</summary>
    public Uri Silo(int i) => new($"http://127.0.0.1:{BasePort + i - 1}");

    /// <summary>The query host's base URL.</summary>
    public Uri QueryHost => new($"http://127.0.0.1:{BasePort + 10}");

    /// <summary>What the script and its children printed (their logs are in the data folder).</summary>
    public string Output
    {
        get { lock (_output) { return _output.ToString(); } }
    }

    /// <summary>Silo <paramref name="i"/>'s process id, from its pid file.</summary>
    public int SiloPid(int i) => int.Parse(File.ReadAllText(Path.Combine(_data, "cluster", $"silo-{i}.pid")).Trim());

    /// <summary>The log of silo <paramref name="i"/>.</summary>
    public string SiloLog(int i) => File.ReadAllText(Path.Combine(_data, "logs", $"silo-{i}.log"));

    /// <summary>The last lines of every log the script and its processes wrote (Azurite, silos, query host).</summary>
    public string LogTails(int lines = 40)
    {
        var folder = Path.Combine(_data, "logs");
        if (!Directory.Exists(folder))
        {
            return "(no logs)";
        }
        return string.Join('\n', Directory.GetFiles(folder).Order(StringComparer.Ordinal).Select(file =>
            $"--- {Path.GetFileName(file)} (last {lines} lines) ---\n" + string.Join('\n', File.ReadLines(file).TakeLast(lines))));
    }

    /// <summary>Starts <paramref name="silos"/> silos with <paramref name="environment"/> as configuration.</summary>
    public static async Task<ClusterScript> StartAsync(int silos, IDictionary<string, string> environment)
    {
        var data = Path.Combine(Path.GetTempPath(), "wherebygrains-cluster-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(data);
        var basePort = FreePort.Block(11, lowest: 14000);
        var info = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(RepoPaths.Root, "deploy", "local", "cluster.sh"));
        info.ArgumentList.Add(silos.ToString());
        info.Environment["WHEREBY_DATA_DIR"] = data;
        info.Environment["WHEREBY_BASE_PORT"] = basePort.ToString();
        info.Environment["WHEREBY_AZURITE_PORT"] = FreePort.Block(3, lowest: 14000).ToString();
        // cluster.sh puts silo i's ports at 11111 + offset + i - 1 and its gateway at 30000 + offset + i - 1.
        info.Environment["WHEREBY_ORLEANS_PORT_OFFSET"] = FreePort.Offset(silos, [11111, 30000], maxOffset: 2700).ToString();
        info.Environment["WHEREBY_SKIP_BUILD"] = "1";
        info.Environment["WHEREBY_CONFIGURATION"] = RepoPaths.BuildConfiguration;
        info.Environment["WherebyGrains__Orleans__ClusterId"] = "test-" + Guid.NewGuid().ToString("N")[..8];
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var script = Process.Start(info) ?? throw new InvalidOperationException("bash did not start.");
        var cluster = new ClusterScript(script, data, basePort);
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Read(string? line)
        {
            if (line is null)
            {
                return;
            }
            lock (cluster._output) { cluster._output.AppendLine(line); }
            if (line.Contains("ready:", StringComparison.Ordinal))
            {
                ready.TrySetResult();
            }
        }
        script.OutputDataReceived += (_, e) => Read(e.Data);
        script.ErrorDataReceived += (_, e) => Read(e.Data);
        script.BeginOutputReadLine();
        script.BeginErrorReadLine();

        var exited = script.WaitForExitAsync();
        if (await Task.WhenAny(ready.Task, exited, Task.Delay(ReadyTimeout)) != ready.Task)
        {
            // The logs go with the data folder: keep their ends in the message.
            var logs = cluster.LogTails();
            await cluster.DisposeAsync();
            throw new InvalidOperationException($"cluster.sh did not become ready:\n{cluster.Output}\n{logs}");
        }
        return cluster;
    }

    /// <summary>SIGKILL: the process dies on the spot, as in a crash.</summary>
    public void Kill(int pid) => Signals.Kill(pid);

    /// <summary>SIGTERM: a graceful stop.</summary>
    public void Terminate(int pid) => Signals.Terminate(pid);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!_script.HasExited)
        {
            Terminate(_script.Id);
            try
            {
                await _script.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(90));
            }
            catch (TimeoutException)
            {
                _script.Kill(entireProcessTree: true);
            }
        }
        // Anything still running (the script was killed, or a child hung) goes now.
        foreach (var pidFile in Directory.EnumerateFiles(_data, "*.pid", SearchOption.AllDirectories))
        {
            if (int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid))
            {
                Kill(pid);
            }
        }
        _script.Dispose();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
