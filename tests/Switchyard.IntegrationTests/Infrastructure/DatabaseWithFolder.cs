namespace Switchyard.IntegrationTests.Infrastructure;

/// <summary>A test class's own fresh database and a temporary folder for its spec files, both removed after it.</summary>
public abstract class DatabaseWithFolder(string folderPrefix) : IAsyncLifetime
{
    protected TestDatabase Db { get; } = new();

    protected string Folder { get; } = Directory.CreateTempSubdirectory(folderPrefix).FullName;

    public virtual Task InitializeAsync() => Db.InitializeAsync();

    public async Task DisposeAsync()
    {
        await Db.DisposeAsync();
        Directory.Delete(Folder, recursive: true);
    }
}
