from gongjian.campaigns.ledger_command import LedgerImportCommand
from gongjian.projects.ledger import import_projects


class Command(LedgerImportCommand):
    help = "导入重点项目台账（.xlsx）：任何一行有误则不写入，并列出每个错误的行、列和原因"
    importer = staticmethod(import_projects)
    noun = "个项目"
