using System.Runtime.InteropServices;

namespace WherebyGrains.Testing;

/// <summary>POSIX signals to the processes tests start (Linux numbers): crashes, stops and freezes as an operator's machine sees them.</summary>
public static class Signals
{
    /// <summary>SIGKILL: the process dies on the spot, as in a crash.</summary>
    public static void Kill(int pid) => _ = Send(pid, 9);

    /// <summary>SIGTERM: a graceful stop.</summary>
    public static void Terminate(int pid) => _ = Send(pid, 15);

    /// <summary>SIGSTOP: the process freezes; its sockets stay open and nothing answers (a hung host).</summary>
    public static void Freeze(int pid) => _ = Send(pid, 19);

    /// <summary>SIGCONT: a frozen process goes on.</summary>
    public static void Thaw(int pid) => _ = Send(pid, 18);

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Send(int pid, int signal);
}
