# Generated from forms/person.ui by pyside6-uic — do not edit.
# Regenerate with: .venv/bin/python scripts/build_forms.py
from PySide6.QtCore import (QCoreApplication, QDate, QDateTime, QLocale,
    QMetaObject, QObject, QPoint, QRect,
    QSize, QTime, QUrl, Qt)
from PySide6.QtGui import (QBrush, QColor, QConicalGradient, QCursor,
    QFont, QFontDatabase, QGradient, QIcon,
    QImage, QKeySequence, QLinearGradient, QPainter,
    QPalette, QPixmap, QRadialGradient, QTransform)
from PySide6.QtWidgets import (QAbstractButton, QApplication, QCheckBox, QComboBox,
    QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout,
    QLabel, QLineEdit, QPlainTextEdit, QPushButton,
    QSizePolicy, QVBoxLayout, QWidget)

class Ui_PersonDialog(object):
    def setupUi(self, PersonDialog):
        if not PersonDialog.objectName():
            PersonDialog.setObjectName(u"PersonDialog")
        PersonDialog.resize(480, 420)
        self.mainLayout = QVBoxLayout(PersonDialog)
        self.mainLayout.setObjectName(u"mainLayout")
        self.formLayout = QFormLayout()
        self.formLayout.setObjectName(u"formLayout")
        self.nameLabel = QLabel(PersonDialog)
        self.nameLabel.setObjectName(u"nameLabel")

        self.formLayout.setWidget(0, QFormLayout.ItemRole.LabelRole, self.nameLabel)

        self.nameEdit = QLineEdit(PersonDialog)
        self.nameEdit.setObjectName(u"nameEdit")
        self.nameEdit.setMaxLength(40)

        self.formLayout.setWidget(0, QFormLayout.ItemRole.FieldRole, self.nameEdit)

        self.genderLabel = QLabel(PersonDialog)
        self.genderLabel.setObjectName(u"genderLabel")

        self.formLayout.setWidget(1, QFormLayout.ItemRole.LabelRole, self.genderLabel)

        self.genderCombo = QComboBox(PersonDialog)
        self.genderCombo.addItem("")
        self.genderCombo.addItem("")
        self.genderCombo.addItem("")
        self.genderCombo.setObjectName(u"genderCombo")

        self.formLayout.setWidget(1, QFormLayout.ItemRole.FieldRole, self.genderCombo)

        self.idLabel = QLabel(PersonDialog)
        self.idLabel.setObjectName(u"idLabel")

        self.formLayout.setWidget(2, QFormLayout.ItemRole.LabelRole, self.idLabel)

        self.idLayout = QHBoxLayout()
        self.idLayout.setObjectName(u"idLayout")
        self.idEdit = QLineEdit(PersonDialog)
        self.idEdit.setObjectName(u"idEdit")
        self.idEdit.setMaxLength(30)

        self.idLayout.addWidget(self.idEdit)

        self.revealButton = QPushButton(PersonDialog)
        self.revealButton.setObjectName(u"revealButton")

        self.idLayout.addWidget(self.revealButton)


        self.formLayout.setLayout(2, QFormLayout.ItemRole.FieldRole, self.idLayout)

        self.phoneLabel = QLabel(PersonDialog)
        self.phoneLabel.setObjectName(u"phoneLabel")

        self.formLayout.setWidget(3, QFormLayout.ItemRole.LabelRole, self.phoneLabel)

        self.phoneEdit = QLineEdit(PersonDialog)
        self.phoneEdit.setObjectName(u"phoneEdit")
        self.phoneEdit.setMaxLength(30)

        self.formLayout.setWidget(3, QFormLayout.ItemRole.FieldRole, self.phoneEdit)

        self.groupLabel = QLabel(PersonDialog)
        self.groupLabel.setObjectName(u"groupLabel")

        self.formLayout.setWidget(4, QFormLayout.ItemRole.LabelRole, self.groupLabel)

        self.groupEdit = QLineEdit(PersonDialog)
        self.groupEdit.setObjectName(u"groupEdit")
        self.groupEdit.setMaxLength(40)

        self.formLayout.setWidget(4, QFormLayout.ItemRole.FieldRole, self.groupEdit)

        self.headCheck = QCheckBox(PersonDialog)
        self.headCheck.setObjectName(u"headCheck")

        self.formLayout.setWidget(5, QFormLayout.ItemRole.FieldRole, self.headCheck)

        self.noteLabel = QLabel(PersonDialog)
        self.noteLabel.setObjectName(u"noteLabel")

        self.formLayout.setWidget(6, QFormLayout.ItemRole.LabelRole, self.noteLabel)

        self.noteEdit = QPlainTextEdit(PersonDialog)
        self.noteEdit.setObjectName(u"noteEdit")
        self.noteEdit.setTabChangesFocus(True)

        self.formLayout.setWidget(6, QFormLayout.ItemRole.FieldRole, self.noteEdit)


        self.mainLayout.addLayout(self.formLayout)

        self.errorLabel = QLabel(PersonDialog)
        self.errorLabel.setObjectName(u"errorLabel")
        self.errorLabel.setStyleSheet(u"color: #b00020;")
        self.errorLabel.setWordWrap(True)

        self.mainLayout.addWidget(self.errorLabel)

        self.buttonBox = QDialogButtonBox(PersonDialog)
        self.buttonBox.setObjectName(u"buttonBox")
        self.buttonBox.setStandardButtons(QDialogButtonBox.Cancel|QDialogButtonBox.Save)

        self.mainLayout.addWidget(self.buttonBox)

        self.nameLabel.setBuddy(self.nameEdit)
        self.genderLabel.setBuddy(self.genderCombo)
        self.idLabel.setBuddy(self.idEdit)
        self.phoneLabel.setBuddy(self.phoneEdit)
        self.groupLabel.setBuddy(self.groupEdit)
        self.noteLabel.setBuddy(self.noteEdit)
        QWidget.setTabOrder(self.nameEdit, self.genderCombo)
        QWidget.setTabOrder(self.genderCombo, self.idEdit)
        QWidget.setTabOrder(self.idEdit, self.revealButton)
        QWidget.setTabOrder(self.revealButton, self.phoneEdit)
        QWidget.setTabOrder(self.phoneEdit, self.groupEdit)
        QWidget.setTabOrder(self.groupEdit, self.headCheck)
        QWidget.setTabOrder(self.headCheck, self.noteEdit)
        QWidget.setTabOrder(self.noteEdit, self.buttonBox)

        self.retranslateUi(PersonDialog)
    # setupUi

    def retranslateUi(self, PersonDialog):
        PersonDialog.setWindowTitle(QCoreApplication.translate("PersonDialog", u"\u4eba\u5458\u4fe1\u606f", None))
        self.nameLabel.setText(QCoreApplication.translate("PersonDialog", u"\u59d3\u540d(&N)\uff1a", None))
        self.genderLabel.setText(QCoreApplication.translate("PersonDialog", u"\u6027\u522b(&G)\uff1a", None))
        self.genderCombo.setItemText(0, QCoreApplication.translate("PersonDialog", u"\uff08\u672a\u586b\uff09", None))
        self.genderCombo.setItemText(1, QCoreApplication.translate("PersonDialog", u"\u7537", None))
        self.genderCombo.setItemText(2, QCoreApplication.translate("PersonDialog", u"\u5973", None))

        self.idLabel.setText(QCoreApplication.translate("PersonDialog", u"\u8eab\u4efd\u8bc1\u53f7(&I)\uff1a", None))
        self.revealButton.setText(QCoreApplication.translate("PersonDialog", u"\u663e\u793a\u5b8c\u6574\u53f7\u7801", None))
        self.phoneLabel.setText(QCoreApplication.translate("PersonDialog", u"\u7535\u8bdd(&T)\uff1a", None))
        self.groupLabel.setText(QCoreApplication.translate("PersonDialog", u"\u6751\u6c11\u5c0f\u7ec4(&Z)\uff1a", None))
        self.headCheck.setText(QCoreApplication.translate("PersonDialog", u"\u6237\u4e3b(&H)", None))
        self.noteLabel.setText(QCoreApplication.translate("PersonDialog", u"\u5907\u6ce8(&R)\uff1a", None))
        self.errorLabel.setText("")
    # retranslateUi
