using Microsoft.Win32.SafeHandles;

namespace Uploads.Storage.FileSystem;

/// <summary>
/// Mutual exclusion for a key across the threads of this process and across the processes sharing the data
/// folder: a semaphore per stripe inside the process, and an exclusive open of the stripe's lock file (which
/// .NET takes as an flock on Unix and as a sharing mode on Windows) across processes. The operating system
/// releases a lock file when its holder dies, so a crash never leaves a key locked.
/// </summary>
internal sealed class StripedFileLock
{
    private const int StripeCount = 256;

    // Holders keep a lock for one small read and one durable write; ten seconds means the disk or the holder is stuck.
    private static readonly TimeSpan s_maxWait = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan s_firstDelay = TimeSpan.FromMilliseconds(1);
    private static readonly TimeSpan s_maxDelay = TimeSpan.FromMilliseconds(50);

    private readonly string _folder;
    private readonly TimeProvider _timeProvider;
    private readonly SemaphoreSlim[] _stripes;

    public StripedFileLock(string folder, TimeProvider timeProvider)
    {
        ThrowIfFileLockingDisabled();
        _folder = folder;
        _timeProvider = timeProvider;
        _stripes = new SemaphoreSlim[StripeCount];
        for (var i = 0; i < _stripes.Length; i++)
        {
            _stripes[i] = new SemaphoreSlim(1, 1);
        }
    }

    /// <summary>Waits for the lock of <paramref name="key"/>; disposing the lease releases it.</summary>
    /// <exception cref="StorageException">With <see cref="StorageErrorCode.Unavailable"/> when another process holds it too long.</exception>
    public async Task<Lease> AcquireAsync(string key, CancellationToken cancellationToken)
    {
        var stripe = StripeOf(key);
        var gate = _stripes[stripe];
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        var acquired = false;
        try
        {
            var handle = await OpenExclusiveAsync(Path.Combine(_folder, $"{stripe:x2}.lock"), cancellationToken).ConfigureAwait(false);
            acquired = true;
            return new Lease(gate, handle);
        }
        finally
        {
            if (!acquired)
            {
                gate.Release();
            }
        }
    }

    // The stripe must be the same in every process, so string.GetHashCode (randomized per process) will not do: FNV-1a.
    internal static int StripeOf(string key)
    {
        var hash = 2166136261u;
        foreach (var c in key)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)((hash ^ (hash >> 8) ^ (hash >> 16) ^ (hash >> 24)) & (StripeCount - 1));
    }

    private async Task<SafeFileHandle> OpenExclusiveAsync(string path, CancellationToken cancellationToken)
    {
        var started = _timeProvider.GetTimestamp();
        var delay = s_firstDelay;
        while (true)
        {
            try
            {
                return File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException ex) when (IsHeldByAnother(ex))
            {
                if (_timeProvider.GetElapsedTime(started) >= s_maxWait)
                {
                    throw new StorageException(
                        StorageErrorCode.Unavailable,
                        $"Another process has held the lock file '{path}' for more than {s_maxWait.TotalSeconds:0} s.",
                        ex);
                }
            }

            // Jitter keeps processes that collided from colliding again in step.
            await Task.Delay(delay * (0.5 + Random.Shared.NextDouble()), _timeProvider, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, s_maxDelay.Ticks));
        }
    }

    // Only "someone else has it open" is worth waiting for; any other failure of the disk surfaces at once.
    private static bool IsHeldByAnother(IOException exception)
    {
        if (exception.GetType() != typeof(IOException))
        {
            return false;
        }

        if (OperatingSystem.IsWindows())
        {
            const int sharingViolation = 32;
            const int lockViolation = 33;
            return (exception.HResult & 0xFFFF) is sharingViolation or lockViolation;
        }

        // .NET reports a failed flock with the raw errno, EWOULDBLOCK.
        var wouldBlock = OperatingSystem.IsLinux() ? 11 : 35;
        return exception.HResult == wouldBlock;
    }

    // Without flock, FileShare.None means nothing across processes and conditional writes could both succeed.
    private static void ThrowIfFileLockingDisabled()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var disabledBySwitch = AppContext.TryGetSwitch("System.IO.DisableFileLocking", out var disabled) && disabled;
        var disabledByEnvironment = Environment.GetEnvironmentVariable("DOTNET_SYSTEM_IO_DISABLEFILELOCKING") is { } value
            && (value == "1" || value.Equals("true", StringComparison.OrdinalIgnoreCase));
        if (disabledBySwitch || disabledByEnvironment)
        {
            throw new InvalidOperationException(
                "The FileSystem store needs file locks to keep conditional writes correct across processes, but file locking is disabled "
                + "(System.IO.DisableFileLocking or DOTNET_SYSTEM_IO_DISABLEFILELOCKING); remove that setting.");
        }
    }

    /// <summary>A held lock; disposing it releases the lock file, then the stripe.</summary>
    internal sealed class Lease : IDisposable
    {
        private readonly SemaphoreSlim _gate;
        private readonly SafeFileHandle _handle;
        private bool _disposed;

        public Lease(SemaphoreSlim gate, SafeFileHandle handle)
        {
            _gate = gate;
            _handle = handle;
        }

        public void Dispose()
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _handle.Dispose();
            _gate.Release();
        }
    }
}
