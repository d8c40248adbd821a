using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace WherebyGrains.Testing;

/// <summary>
/// A real Azurite (the official Azure Storage emulator) on free 127.0.0.1 ports, with its data in a
/// temporary folder so that it can be stopped and started again on the same data. Installs the
/// pinned version (deploy/local/install-tools.sh) when it is missing.
/// </summary>
public sealed class AzuriteProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly SemaphoreSlim InstallLock = new(1, 1);

    private readonly string _location;
    private readonly StringBuilder _output = new();
    private Process? _process;

    private AzuriteProcess(string location)
    {
        _location = location;
        BlobPort = FreePort.Next();
        QueuePort = FreePort.Next();
        TablePort = FreePort.Next();
    }

    /// <summary>The blob service port.</summary>
    public int BlobPort { get; }

    /// <summary>The queue service port.</summary>
    public int QueuePort { get; }

    /// <summary>The table service port.</summary>
    public int TablePort { get; }

    /// <summary>A connection string for the development account on these ports.</summary>
    public string ConnectionString =>
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
        "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/devstoreaccount1;" +
        $"QueueEndpoint=http://127.0.0.1:{QueuePort}/devstoreaccount1;" +
        $"TableEndpoint=http://127.0.0.1:{TablePort}/devstoreaccount1;";

    /// <summary>True while the process runs.</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Starts a new Azurite with empty data.</summary>
    public static async Task<AzuriteProcess> StartAsync()
    {
        var location = Path.Combine(Path.GetTempPath(), "wherebygrains-azurite-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(location);
        var azurite = new AzuriteProcess(location);
        await azurite.StartAgainAsync();
        return azurite;
    }

    /// <summary>Starts Azurite (again) on the same ports and data.</summary>
    public async Task StartAgainAsync()
    {
        if (IsRunning)
        {
            return;
        }
        var script = await EnsureInstalledAsync();
        var info = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            script, "--silent", "--disableTelemetry", "--skipApiVersionCheck", "--loose",
            "--location", _location,
            "--blobHost", "127.0.0.1", "--blobPort", BlobPort.ToString(),
            "--queueHost", "127.0.0.1", "--queuePort", QueuePort.ToString(),
            "--tableHost", "127.0.0.1", "--tablePort", TablePort.ToString(),
        })
        {
            info.ArgumentList.Add(arg);
        }

        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException("node did not start.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("Node.js ('node') is required to run Azurite for the storage tests: install Node.js 20 or newer.", e);
        }
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        var deadline = DateTime.UtcNow + StartTimeout;
        while (!await AcceptsAsync(TablePort) || !await AcceptsAsync(BlobPort))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                await StopAsync();
                throw new InvalidOperationException($"Azurite did not start on ports {BlobPort}/{TablePort}:\n{Output}");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>What Azurite printed, for failure messages.</summary>
    public string Output
    {
        get { lock (_output) { return _output.ToString(); } }
    }

    /// <summary>Freezes Azurite (SIGSTOP): its connections stay open and nothing answers, as a hung storage host.</summary>
    public void Freeze() => Signals.Freeze(_process?.Id ?? throw new InvalidOperationException("Azurite is not running."));

    /// <summary>Lets a frozen Azurite go on (SIGCONT).</summary>
    public void Thaw() => Signals.Thaw(_process?.Id ?? throw new InvalidOperationException("Azurite is not running."));

    /// <summary>
    /// Stops Azurite gracefully (SIGTERM), so that it saves its data, then forcibly if it lingers.
    /// Azurite's table store only reaches disk on an autosave or a clean shutdown: a SIGKILL
    /// loses the last seconds of writes, which real Azure Storage never does.
    /// </summary>
    public async Task StopAsync()
    {
        if (_process is not { } process)
        {
            return;
        }
        _process = null;
        try
        {
            if (!process.HasExited)
            {
                // A frozen process would not see the SIGTERM.
                Signals.Thaw(process.Id);
                Signals.Terminate(process.Id);
                try
                {
                    await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(15));
                }
                catch (TimeoutException)
                {
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(15));
                }
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        finally
        {
            process.Dispose();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(_location, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output) { _output.AppendLine(line); }
        }
    }

    private static async Task<bool> AcceptsAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync("127.0.0.1", port).WaitAsync(TimeSpan.FromSeconds(1));
            return true;
        }
        catch (Exception e) when (e is SocketException or TimeoutException)
        {
            return false;
        }
    }

    private static async Task<string> EnsureInstalledAsync()
    {
        var script = Path.Combine(RepoPaths.Root, ".tools", "azurite", "node_modules", "azurite", "dist", "src", "azurite.js");
        if (File.Exists(script))
        {
            return script;
        }
        await InstallLock.WaitAsync();
        try
        {
            if (!File.Exists(script))
            {
                await ToolProcess.RunAsync("bash", [Path.Combine(RepoPaths.Root, "deploy", "local", "install-tools.sh")], TimeSpan.FromMinutes(5));
            }
        }
        finally
        {
            InstallLock.Release();
        }
        return script;
    }
}
