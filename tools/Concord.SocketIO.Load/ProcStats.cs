using System.Globalization;

namespace Concord.SocketIO.Load;

/// <summary>What the kernel says about a process: resident memory and CPU time used (all threads).</summary>
internal static class ProcStats
{
    private const double ClockTicksPerSecond = 100; // USER_HZ on Linux

    public static long RssBytes(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (!line.StartsWith("VmRSS:", StringComparison.Ordinal)) continue;
            var kb = line["VmRSS:".Length..].Trim().Split(' ')[0];
            return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
        }
        throw new InvalidOperationException($"No VmRSS for pid {pid}");
    }

    /// <summary>
    /// Voluntary + involuntary context switches of every thread of the process (each thread's own counts are in
    /// /proc/&lt;pid&gt;/task/&lt;tid&gt;/status; the process's status file has only the main thread's). A thread that
    /// sleeps and is woken for a work item counts one: the per-event hops of a server show up here, for any runtime.
    /// </summary>
    public static long ContextSwitches(int pid)
    {
        long total = 0;
        foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
        {
            try
            {
                foreach (var line in File.ReadLines(Path.Combine(task, "status")))
                    if (line.StartsWith("voluntary_ctxt_switches:", StringComparison.Ordinal) || line.StartsWith("nonvoluntary_ctxt_switches:", StringComparison.Ordinal))
                        total += long.Parse(line[(line.IndexOf(':') + 1)..].Trim(), CultureInfo.InvariantCulture);
            }
            catch (IOException) { } // the thread ended meanwhile
        }
        return total;
    }

    /// <summary>utime + stime in seconds.</summary>
    public static double CpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // Fields after the ")" that closes the command name: state is field 3, utime 14, stime 15.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / ClockTicksPerSecond;
    }
}
