from gongjian.campaigns.ledger import import_tasks
from gongjian.campaigns.ledger_command import LedgerImportCommand


class Command(LedgerImportCommand):
    help = "导入任务台账（.xlsx）：任何一行有误则不写入，并列出每个错误的行、列和原因"
    importer = staticmethod(import_tasks)
    noun = "项"
