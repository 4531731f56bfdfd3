using Azure;
using Azure.Data.Tables;

namespace Sync.Storage;

/// <summary>Deletes rows of one partition, gathered into transactions of up to 100 rows (a table transaction's limit).</summary>
internal sealed class PartitionRowDeletes(TableClient table, string partition)
{
    private const int MaxTransactionRows = 100;
    private readonly List<TableTransactionAction> _batch = new(MaxTransactionRows);

    /// <summary>Rows deleted so far.</summary>
    public int Deleted { get; private set; }

    public async Task AddAsync(string rowKey, CancellationToken cancellationToken)
    {
        _batch.Add(new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partition, rowKey), ETag.All));
        if (_batch.Count == MaxTransactionRows)
        {
            await FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Deletes the rows still gathered; returns <see cref="Deleted"/>.</summary>
    public async Task<int> FlushAsync(CancellationToken cancellationToken)
    {
        if (_batch.Count > 0)
        {
            await table.SubmitTransactionAsync(_batch, cancellationToken).ConfigureAwait(false);
            Deleted += _batch.Count;
            _batch.Clear();
        }

        return Deleted;
    }
}
