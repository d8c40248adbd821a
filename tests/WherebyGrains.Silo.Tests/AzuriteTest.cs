using WherebyGrains.Testing;

namespace WherebyGrains.Silo.Tests;

/// <summary>A test class whose every test gets its own Azurite (tests that stop or restart it, or need it empty).</summary>
public abstract class AzuriteTest : IAsyncLifetime
{
    /// <summary>This test's Azurite.</summary>
    protected AzuriteProcess Azurite { get; private set; } = null!;

    /// <inheritdoc />
    public async ValueTask InitializeAsync() => Azurite = await AzuriteProcess.StartAsync();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Azurite.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
