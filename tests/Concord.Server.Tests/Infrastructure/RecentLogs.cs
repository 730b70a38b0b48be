using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Concord.Server.Tests.Infrastructure;

/// <summary>
/// The test server's last warnings and errors, kept in memory so a failing end-to-end scenario (a browser or Node run
/// that only sees the outside) can say what the server logged meanwhile.
/// </summary>
public sealed class RecentLogs : ILoggerProvider
{
    private const int Keep = 200;
    private readonly ConcurrentQueue<string> _entries = new();

    public IReadOnlyCollection<string> Entries => _entries;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() { }

    private void Add(string entry)
    {
        _entries.Enqueue(entry);
        while (_entries.Count > Keep) _entries.TryDequeue(out _);
    }

    private sealed class Logger(RecentLogs sink, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var error = exception is null ? "" : $" — {exception.GetType().Name}: {exception.Message}";
            sink.Add($"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {category}: {formatter(state, exception)}{error}");
        }
    }
}
